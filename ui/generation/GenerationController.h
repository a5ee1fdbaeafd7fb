#pragma once

// The GUI thread's side of generation: owns the worker thread and the GenerationWorker,
// keeps the state (model, running request, timing for the ETA) and turns the worker's
// signals into ones the panels can show. Never waits on the engine, except in its
// destructor, which cancels and joins the thread.

#include "engine/EngineTypes.h"
#include "ui/generation/MetaTypes.h"

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>

class QThread;

namespace md {

class GenerationWorker;

class GenerationController : public QObject
{
    Q_OBJECT
public:
    enum class ModelState { None, Loading, Ready, Failed };

    explicit GenerationController(QObject* parent = nullptr);
    ~GenerationController() override;

    // variant: the weight variant to load (ModelOptions::variant; "" = the plain weights).
    void loadModel(const QString& path, const QString& variant = QString());
    // The variant asked for with the model loaded or loading ("" = the plain weights).
    QString modelVariant() const { return m_variant; }
    // Reloads the current model with `variant` when another one is loaded (nothing when no
    // model is loaded or loading, when it already has that variant, or when that variant of
    // this model failed to load before: the plain weights stay, and modelStateChanged(Ready)
    // carried a message saying so).
    void ensureVariant(const QString& variant);
    // Starts a generation; cancels and replaces any running one (live ones too). Returns its
    // id.
    quint64 generate(const GenerateRequest& request);
    // Starts a live frame (LiveController): quiet (no busy state, progress or previews), its
    // image comes as liveResultReady. It cancels and replaces a running live frame at the
    // engine's next UNet call; it must not be sent while isBusy() (it would cancel that one).
    quint64 generateLive(const GenerateRequest& request);
    quint64 runningLive() const { return m_live; }
    // Stops the running live frame (live mode turned off); nothing while a normal one runs.
    void cancelLive();
    void cancel();
    // Asks the worker for a prompt's token count; the answer comes as tokenCountReady with
    // the returned id (after the running generation, if any).
    quint64 requestTokenCount(const QString& text);
    // Asks the worker for a request's memory and work estimate; the answer comes as
    // estimateReady with the returned id (after the running generation, if any).
    quint64 requestEstimate(const GenerateRequest& request);
    // The folders where the prompts' <lora:NAME:W> tags find their files (the app's LoRA
    // folder preference): every request sent (generations and estimates) carries them.
    void setLoraDirs(const std::vector<std::string>& dirs) { m_loraDirs = dirs; }
    const std::vector<std::string>& loraDirs() const { return m_loraDirs; }

    ModelState modelState() const { return m_modelState; }
    QString modelPath() const { return m_modelPath; }
    const ModelInfo& modelInfo() const { return m_modelInfo; }
    bool isBusy() const { return m_running != 0; }
    quint64 runningRequest() const { return m_running; }

Q_SIGNALS:
    void modelStateChanged(md::GenerationController::ModelState state, const QString& message);
    void loadProgress(const QString& stage, double fraction);
    void busyChanged(bool busy);
    // step of totalSteps finished; etaSeconds < 0 while unknown.
    void progressChanged(int step, int totalSteps, double etaSeconds);
    void previewChanged(const QImage& image, int step, int totalSteps);
    // The finished image, as the engine made it (the session stores it in the project's
    // history; the canvas converts it for display). The request's seed and settings are the
    // session's snapshot of the project.
    void resultReady(const md::RgbImage& image, double seconds);
    // The newest live frame (generateLive) finished; seconds: the engine's time for it on the
    // worker. Stale frames (replaced by a newer one) never come.
    void liveResultReady(quint64 requestId, const md::RgbImage& image, double seconds);
    void liveFailed(quint64 requestId, const QString& message);
    void generationFailed(const QString& message);
    void generationCancelled();
    // The worker finished with a request (any outcome, stale ones included): the engine is
    // idle again unless a newer request is queued. Tests time cancellation with it.
    void requestEnded(quint64 requestId);
    // The worker confirmed that this request was cancelled: the engine stopped it.
    void engineCancelled(quint64 requestId);
    // tokens < 0: no model was loaded to count with.
    void tokenCountReady(quint64 requestId, int tokens, int chunks, int chunkCapacity);
    // error: why there is no estimate (no model, an invalid request); empty otherwise.
    void estimateReady(quint64 requestId, const md::GenerationEstimate& estimate,
                       const QString& error);

private:
    void connectWorker();
    GenerateRequest withLoraDirs(const GenerateRequest& request) const;
    void onPreviewReady();
    void onProgress(quint64 id, const Progress& progress);
    void onFinished(quint64 id, const RgbImage& image, double seconds);
    void onFailed(quint64 id, const QString& message);
    void onCancelled(quint64 id);
    void setRunning(quint64 id);

    QThread* m_thread = nullptr;
    GenerationWorker* m_worker = nullptr;
    ModelState m_modelState = ModelState::None;
    QString m_modelPath;
    QString m_variant;
    QSet<QString> m_failedVariants; // path + '\n' + variant
    QString m_loadNote;             // said with the next Ready state
    ModelInfo m_modelInfo;
    std::vector<std::string> m_loraDirs;
    quint64 m_nextId = 1;
    quint64 m_nextCountId = 1;
    quint64 m_nextEstimateId = 1;
    quint64 m_running = 0;
    quint64 m_live = 0; // the newest live frame asked for, until it ends
    QElapsedTimer m_timer;
};

} // namespace md

#pragma once

// Owns the engine and runs it on a long-lived worker thread. The GUI thread talks to it
// only through the thread-safe request*() / cancel() / takePreview() calls (which never
// wait on the engine) and the queued signals below.
//
// - A new request replaces any pending one and cancels the running one (latest wins).
// - Cancel is an atomic flag set directly from the GUI thread, never a queued call (a
//   queued call would only arrive after the generation finished).
// - Previews are coalesced: the worker keeps only the newest frame and posts one
//   notification until the GUI has taken it, so a slow GUI never backs up.

#include "engine/EngineTypes.h"
#include "engine/Status.h"
#include "ui/generation/MetaTypes.h"

#include <QImage>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace md {

class Engine;

struct PreviewImage
{
    quint64 requestId = 0;
    int step = 0;
    int totalSteps = 0;
    bool fullDecode = false;
    QImage image;
};

class GenerationWorker : public QObject
{
    Q_OBJECT
public:
    GenerationWorker();
    ~GenerationWorker() override;

    // Called on the worker thread before any engine work: on Linux the thread (and the math
    // library's threads it starts) runs at a lower priority (nice +5) than the GUI thread, so
    // painting stays smooth while live frames render on every core. Other processes of the
    // user at the same level keep their share.
    static void lowerThreadPriority();

    // Thread-safe; called from the GUI thread.
    void requestLoad(const ModelOptions& options);
    void requestGenerate(const GenerateRequest& request, quint64 requestId);
    void cancel();
    std::optional<PreviewImage> takePreview();
    // Counts a prompt's tokens with the loaded model's tokenizer, on the worker thread (so
    // after the running generation); the answer comes as tokenCountReady.
    void requestTokenCount(const QString& text, quint64 requestId);
    // Estimates a request's memory and UNet work with the loaded model, on the worker thread
    // (so after the running generation); only the newest request is kept.
    void requestEstimate(const GenerateRequest& request, quint64 requestId);

Q_SIGNALS:
    void loadStarted(const QString& path);
    void loadProgress(const QString& stage, double fraction);
    void modelLoaded(const md::ModelInfo& info);
    void loadFailed(const QString& path, const QString& message);
    // The weight variant asked for could not be loaded (a corrupt or unreadable file): the
    // plain weights were loaded instead (modelLoaded follows). message: why the variant failed.
    void variantUnavailable(const QString& path, const QString& variant, const QString& message);

    void generationStarted(quint64 requestId);
    void progress(quint64 requestId, const md::Progress& progress);
    void previewReady();
    // seconds: the engine's time for it on the worker thread (live mode's speed estimate).
    void generationFinished(quint64 requestId, const md::RgbImage& image, double seconds);
    void generationFailed(quint64 requestId, const QString& message);
    void generationCancelled(quint64 requestId);
    // chunks of chunkCapacity tokens; tokens < 0: no model to count with.
    void tokenCountReady(quint64 requestId, int tokens, int chunks, int chunkCapacity);
    // error: why there is no estimate (no model, an invalid request); empty otherwise.
    void estimateReady(quint64 requestId, const md::GenerationEstimate& estimate,
                       const QString& error);

private Q_SLOTS:
    void processPending();

private:
    void runLoad(const ModelOptions& options);
    Status loadEngine(const ModelOptions& options);
    void runGenerate(const GenerateRequest& request, quint64 requestId);
    void runTokenCount(const std::string& text, quint64 requestId);
    void runEstimate(const GenerateRequest& request, quint64 requestId);
    void post();

    std::unique_ptr<Engine> m_engine; // created and used on the worker thread only
    std::atomic<bool> m_cancel{false};

    std::mutex m_mutex; // guards everything below
    std::optional<ModelOptions> m_pendingLoad;
    std::optional<std::pair<GenerateRequest, quint64>> m_pendingGenerate;
    std::vector<std::pair<std::string, quint64>> m_pendingCounts;
    std::optional<std::pair<GenerateRequest, quint64>> m_pendingEstimate;
    std::optional<PreviewImage> m_preview;
    bool m_previewPosted = false;
};

} // namespace md

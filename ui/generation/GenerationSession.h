#pragma once

// Connects the generation panel, the worker (GenerationController), the document and the
// canvas: picks and loads the model, builds the request from the project (choosing a seed
// in random mode), shows live previews on the canvas, and records each result in the
// project's history, where the results strip shows it.

#include "document/Project.h"
#include "ui/generation/ImageRequests.h"

#include <QImage>
#include <QObject>
#include <QStringList>
#include <cstdint>
#include <deque>
#include <optional>

namespace md {

class CanvasView;
class DocumentController;
class GenerationController;
class GenerationPanel;
class ResultsStrip;
class Settings;

class GenerationSession : public QObject
{
    Q_OBJECT
public:
    GenerationSession(DocumentController* document, GenerationController* generation,
                      GenerationPanel* panel, ResultsStrip* results, CanvasView* canvas,
                      Settings* settings, QObject* parent = nullptr);

    // Loads the project's model, else the last used one, else the embedded default.
    void loadInitialModel();
    void chooseModel(const QString& path);
    // Starts (or restarts) a generation of the current project: the panel's count of images,
    // one seed each (random ones, or the seeds after a fixed one), queued one after another;
    // each lands in the history.
    void generate();
    void cancel();
    // The queue: the image being made (1-based) and how many this click makes; 0 when idle.
    int queuePosition() const { return m_queueTotal == 0 ? 0 : m_queueTotal - int(m_queue.size()); }
    int queueTotal() const { return m_queueTotal; }
    // Runs one prepared request (a reroll, an upscale) like Generate, with progress and
    // cancel; its result lands in the history made from `snapshot` with `provenance`.
    void runRequest(const GenerateRequest& request, Project snapshot, ResultProvenance provenance,
                    const QString& text);
    void useSettingsOf(std::uint32_t resultId);
    void reuseLastSeed();
    // The canvas shows the result selected in the strip (0: the newest).
    void showResult(std::uint32_t resultId);
    // Live mode's newest frame, shown on the canvas under the masks (scaled to the canvas)
    // with `badge`, until a normal generation's preview or result replaces it; null: none.
    void setLiveImage(const QImage& image, const QString& badge);

    // The models shipped with the app (engine/pipeline/ModelLocator's rules, plus the source
    // tree's resources/models); the first one is the default ("" when none).
    static QStringList embeddedModels();
    static QString defaultModel();

Q_SIGNALS:
    void message(const QString& text, int timeoutMs);
    // The whole click's progress in percent (all queued images); -1 when nothing runs.
    void overallProgress(int percent);

private:
    void refreshModels();
    void onModelState(int state, const QString& message);
    void onResult(const RgbImage& image, double seconds);
    void startNext();
    // Remembers its start image and LoRAs for the result.
    void send(const GenerateRequest& request);
    void stopQueue();
    void updateCanvasImage();
    QString modelForProject() const;
    static ModelReference referenceFor(const QString& path);
    void recordModel(const QString& path);
    void followProjectModel();

    DocumentController* m_document;
    GenerationController* m_generation;
    GenerationPanel* m_panel;
    ResultsStrip* m_results;
    CanvasView* m_canvas;
    Settings* m_settings;
    // The project as it was sent to the engine; its settings.seed is the running request's
    // seed (the one source of truth until the result is recorded).
    std::optional<Project> m_snapshot;
    ResultProvenance m_provenance;     // how the running request's image is conditioned
    GenerateRequest m_loraRequest;     // the running request's prompts and LoRA folders
    std::deque<std::uint64_t> m_queue; // seeds still to make after the running one
    int m_queueTotal = 0;
    QImage m_preview;
    QString m_previewBadge;
    QImage m_live;
    QString m_liveBadge;
    bool m_compare = false;
    bool m_userChoseModel = false;
};

} // namespace md

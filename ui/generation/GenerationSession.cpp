#include "ui/generation/GenerationSession.h"

#include "document/LoraFiles.h"
#include "document/ModelHash.h"
#include "engine/SamplingPreset.h"
#include "engine/pipeline/ModelLocator.h"
#include "ui/ImageConversion.h"
#include "ui/Settings.h"
#include "ui/canvas/CanvasView.h"
#include "ui/document/DocumentController.h"
#include "ui/generation/GenerationController.h"
#include "ui/panels/GenerationPanel.h"
#include "ui/panels/ResultsStrip.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <algorithm>

namespace md {

namespace {
QString displayName(const QString& path)
{
    return QString::fromStdString(modelDisplayName(path.toStdString()));
}
} // namespace

GenerationSession::GenerationSession(DocumentController* document, GenerationController* generation,
                                     GenerationPanel* panel, ResultsStrip* results,
                                     CanvasView* canvas, Settings* settings, QObject* parent)
    : QObject(parent), m_document(document), m_generation(generation), m_panel(panel),
      m_results(results), m_canvas(canvas), m_settings(settings)
{
    connect(panel, &GenerationPanel::modelChosen, this, [this](const QString& path) {
        m_userChoseModel = true; // the project records this choice (an edit)
        chooseModel(path);
    });
    connect(panel, &GenerationPanel::generateRequested, this, &GenerationSession::generate);
    connect(panel, &GenerationPanel::cancelRequested, this, &GenerationSession::cancel);
    connect(panel, &GenerationPanel::reuseSeedRequested, this, &GenerationSession::reuseLastSeed);
    connect(results, &ResultsStrip::resultSelected, this, &GenerationSession::showResult);
    connect(results, &ResultsStrip::useSettingsRequested, this, &GenerationSession::useSettingsOf);
    connect(results, &ResultsStrip::compareToggled, this, [this](bool on) {
        m_compare = on;
        updateCanvasImage();
    });

    connect(generation, &GenerationController::modelStateChanged, this,
            [this](GenerationController::ModelState state, const QString& message) {
                onModelState(int(state), message);
            });
    connect(generation, &GenerationController::loadProgress, this,
            [this](const QString& stage, double fraction) {
                m_panel->setModelStatus(
                    tr("Loading: %1 (%2 %)").arg(stage).arg(int(fraction * 100)), false);
            });
    connect(generation, &GenerationController::busyChanged, panel, &GenerationPanel::setBusy);
    connect(generation, &GenerationController::progressChanged, this,
            [this](int step, int totalSteps, double eta) {
                m_panel->setProgress(step, totalSteps, eta);
                if (m_queueTotal > 0 && totalSteps > 0)
                    Q_EMIT overallProgress(int(
                        100.0 * (queuePosition() - 1 + double(step) / totalSteps) / m_queueTotal));
            });
    connect(generation, &GenerationController::previewChanged, this,
            [this](const QImage& image, int step, int totalSteps) {
                m_preview = image;
                m_previewBadge = tr("Live preview · step %1 / %2").arg(step).arg(totalSteps);
                updateCanvasImage();
            });
    connect(generation, &GenerationController::resultReady, this, &GenerationSession::onResult);
    connect(generation, &GenerationController::generationFailed, this,
            [this](const QString& message) {
                m_preview = QImage();
                stopQueue();
                updateCanvasImage();
                m_panel->setProgressText(tr("Failed"));
                Q_EMIT this->message(tr("Generation failed: %1").arg(message), 0);
            });
    connect(generation, &GenerationController::generationCancelled, this, [this] {
        m_preview = QImage();
        stopQueue();
        updateCanvasImage();
        m_panel->setProgressText(tr("Cancelled"));
    });
    connect(document->model(), &ProjectModel::projectReset, this, [this] {
        if (m_generation->isBusy())
            cancel(); // its result belongs to the project that was closed
        m_preview = QImage();
        m_live = QImage();
        followProjectModel();
        refreshModels();
        updateCanvasImage();
    });
    connect(document->model(), &ProjectModel::canvasChanged, this,
            &GenerationSession::updateCanvasImage);
    refreshModels();
}

QStringList GenerationSession::embeddedModels()
{
    std::vector<std::string> extra;
#ifdef MD_RESOURCES_SOURCE_DIR
    extra.emplace_back(MD_RESOURCES_SOURCE_DIR "/models");
#endif
    QStringList models;
    for (const std::string& m : findModels(defaultModelSearchDirs(extra)))
        models << QString::fromStdString(m);
    return models;
}

QString GenerationSession::defaultModel()
{
    const QStringList models = embeddedModels();
    return models.isEmpty() ? QString() : models.first();
}

QString GenerationSession::modelForProject() const
{
    const QString projectModel = QString::fromStdString(m_document->project().model.path);
    if (!projectModel.isEmpty() && QFileInfo::exists(projectModel))
        return projectModel;
    const QString last = m_settings->lastModel();
    if (!last.isEmpty() && QFileInfo::exists(last))
        return last;
    return defaultModel();
}

void GenerationSession::refreshModels()
{
    QString current = m_generation->modelPath();
    if (current.isEmpty())
        current = modelForProject();
    m_panel->setModels(embeddedModels(), m_settings->recentModels(), current);
}

void GenerationSession::loadInitialModel()
{
    const QString path = modelForProject();
    if (path.isEmpty()) {
        m_panel->setModelStatus(tr("No model yet: open a .safetensors checkpoint or a "
                                   "diffusers folder from the list above."),
                                true);
        return;
    }
    chooseModel(path);
}

void GenerationSession::chooseModel(const QString& path)
{
    using State = GenerationController::ModelState;
    if (path.isEmpty())
        return;
    const State state = m_generation->modelState();
    if (path == m_generation->modelPath() && (state == State::Loading || state == State::Ready)) {
        if (state == State::Ready)
            recordModel(path);
        return; // already there
    }
    m_generation->loadModel(path);
    refreshModels();
}

void GenerationSession::onModelState(int state, const QString& message)
{
    using State = GenerationController::ModelState;
    const QString path = m_generation->modelPath();
    switch (State(state)) {
    case State::None:
        m_panel->setModelStatus(QString(), false);
        break;
    case State::Loading:
        m_panel->setModelStatus(tr("Loading %1…").arg(displayName(path)), false);
        break;
    case State::Ready: {
        const ModelInfo& info = m_generation->modelInfo();
        m_panel->setModelStatus(tr("%1 · native %2×%3 · %4")
                                    .arg(QString::fromStdString(info.family))
                                    .arg(info.nativeWidth)
                                    .arg(info.nativeHeight)
                                    .arg(QString::fromStdString(info.device)),
                                false);
        // Sizes follow the model: the presets, File > New, and the untouched start-up canvas.
        m_panel->setModelFormat(QString::fromStdString(info.family), info.nativeWidth,
                                info.nativeHeight);
        m_document->setNativeSize(info.nativeWidth, info.nativeHeight);
        m_settings->setLastModel(path);
        refreshModels();
        recordModel(path);
        if (!message.isEmpty()) // loaded, with a caveat (a weight variant that failed)
            Q_EMIT this->message(message, 0);
        break;
    }
    case State::Failed:
        m_panel->setModelStatus(tr("Could not load %1: %2").arg(displayName(path), message), true);
        Q_EMIT this->message(tr("Could not load the model: %1").arg(message), 0);
        break;
    }
}

ModelReference GenerationSession::referenceFor(const QString& path)
{
    // The embedded default is stored as an empty path, so projects move between machines.
    const bool embedded = path == defaultModel();
    Result<ModelReference> ref = describeModel(embedded ? std::string() : path.toStdString());
    if (ref.isOk())
        return ref.value();
    ModelReference fallback;
    fallback.path = path.toStdString();
    fallback.displayName = displayName(path).toStdString();
    return fallback;
}

void GenerationSession::recordModel(const QString& path)
{
    const ModelReference ref = referenceFor(path);
    const ModelReference& current = m_document->project().model;
    const bool same = current.path == ref.path && current.contentHash == ref.contentHash &&
                      current.sha256 == ref.sha256; // older projects gain the whole-file digest
    if (m_userChoseModel && !same)
        m_document->setModelReference(ref); // an edit: the document becomes dirty
    else if (!same)
        m_document->model()->setModel(ref); // loaded on its own: not a change to save
    m_userChoseModel = false;
}

void GenerationSession::followProjectModel()
{
    const ModelReference& ref = m_document->project().model;
    if (ref.path.empty())
        return; // the embedded default, or no choice: keep the model that is loaded
    const QString path = QString::fromStdString(ref.path);
    if (!QFileInfo::exists(path)) {
        Q_EMIT message(tr("This project was made with %1, which is not at %2 any more; "
                          "choose a model in the Model list.")
                           .arg(QString::fromStdString(ref.displayName), path),
                       0);
        return;
    }
    if (checkModel(ref) == ModelCheck::Changed)
        Q_EMIT message(tr("%1 changed on disk since this project used it: results may differ.")
                           .arg(QString::fromStdString(ref.displayName)),
                       8000);
    if (path != m_generation->modelPath())
        chooseModel(path);
}

void GenerationSession::generate()
{
    using State = GenerationController::ModelState;
    if (m_generation->modelState() == State::None || m_generation->modelState() == State::Failed) {
        const QString path = m_generation->modelState() == State::Failed ? m_generation->modelPath()
                                                                         : modelForProject();
        if (path.isEmpty()) {
            Q_EMIT message(tr("Choose a model first (Model list in the generation panel)."), 0);
            return;
        }
        chooseModel(path); // the worker loads it first, then runs the request
    }
    const Project& project = m_document->project();
    if (const Status status = validate(project); !status.isOk()) {
        Q_EMIT message(tr("Cannot generate: %1").arg(QString::fromStdString(status.message())), 0);
        return;
    }
    GenerationSettings settings = project.settings;
    const bool random = settings.seedMode == SeedMode::Random;
    const auto randomSeed = [] { return QRandomGenerator::global()->bounded(quint64(1) << 32); };
    if (random) {
        settings.seed = randomSeed();
        m_document->model()->setSettings(settings); // shows the seed; not an edit of note
    }
    m_queue.clear();
    const int count = std::max(1, m_panel->imageCount());
    for (int i = 1; i < count; ++i) // A1111's batch count: random seeds, or the next ones
        m_queue.push_back(random ? randomSeed() : settings.seed + std::uint64_t(i));
    m_queueTotal = count;
    Project snapshot = project;
    snapshot.settings = settings; // a random seed is chosen above
    // Only the result it starts from, if any, goes along.
    const ProjectResult* last =
        settings.start == StartImage::LastResult ? newestCanvasResult(project) : nullptr;
    std::optional<ProjectResult> start = last ? std::optional<ProjectResult>(*last) : std::nullopt;
    snapshot.results.clear();
    if (start)
        snapshot.results.push_back(std::move(*start));
    else if (settings.start == StartImage::LastResult)
        Q_EMIT message(tr("No result yet to start from: this one starts from noise."), 6000);
    m_snapshot = std::move(snapshot); // every image of the click renders this state
    m_preview = QImage();
    const std::uint64_t seed = m_snapshot->settings.seed;
    m_panel->setQueuePosition(1, count);
    Q_EMIT overallProgress(0);
    m_provenance = {};
    send(toGenerateRequest(*m_snapshot, seed));
    // Gentle warnings: an empty prompt is allowed, but rarely meant.
    QStringList unprompted;
    for (const ProjectRegion& r : m_snapshot->regions)
        if (r.visible && QString::fromStdString(r.prompt).trimmed().isEmpty())
            unprompted << QString::fromStdString(r.name);
    if (!unprompted.isEmpty())
        Q_EMIT message(tr("Generating with seed %1. No prompt yet for: %2.")
                           .arg(seed)
                           .arg(unprompted.join(", ")),
                       8000);
    else if (QString::fromStdString(m_snapshot->prompt).trimmed().isEmpty())
        Q_EMIT message(tr("Generating with seed %1. The background prompt is empty.").arg(seed),
                       8000);
    else if (count > 1)
        Q_EMIT message(tr("Generating %1 images from seed %2…").arg(count).arg(seed), 3000);
    else
        Q_EMIT message(tr("Generating with seed %1…").arg(seed), 3000);
}

void GenerationSession::cancel()
{
    stopQueue();
    m_generation->cancel();
}

void GenerationSession::stopQueue()
{
    m_queue.clear();
    m_queueTotal = 0;
    m_snapshot.reset();
    m_panel->setQueuePosition(0, 0);
    Q_EMIT overallProgress(-1);
}

void GenerationSession::startNext()
{
    // The snapshot's seed is the running request's seed (one source of truth).
    m_snapshot->settings.seed = m_queue.front();
    m_queue.pop_front();
    if (m_snapshot->settings.seedMode == SeedMode::Random) {
        GenerationSettings settings = m_document->project().settings;
        settings.seed = m_snapshot->settings.seed;
        m_document->model()->setSettings(settings); // shows the seed being made
    }
    m_panel->setQueuePosition(queuePosition(), m_queueTotal);
    send(toGenerateRequest(*m_snapshot, m_snapshot->settings.seed));
}

void GenerationSession::send(const GenerateRequest& request)
{
    // What the result records of its LoRAs: the prompts and the LoRA folders the controller
    // sends with them (the app's preference), without the images.
    m_loraRequest = {};
    m_loraRequest.prompt = request.prompt;
    m_loraRequest.loraDirs = m_generation->loraDirs();
    for (const Region& r : request.regions) {
        m_loraRequest.regions.emplace_back();
        m_loraRequest.regions.back().prompt = r.prompt;
    }
    m_provenance.startImage =
        request.initImage.empty() ? nullptr : std::make_shared<const RgbImage>(request.initImage);
    m_provenance.rerollMask = request.rerollMask.empty()
                                  ? nullptr
                                  : std::make_shared<const MaskImage>(request.rerollMask);
    // The weights the sampler wants: LCM (the Live preset) the model's few-step variant where
    // it has one, other samplers the plain weights (after live mode, loaded again now).
    const auto live = samplingPreset(m_generation->modelInfo(), "live");
    const bool fewStep = request.sampler == SamplerKind::Lcm && live;
    m_generation->ensureVariant(fewStep ? QString::fromStdString(live->modelVariant) : QString());
    m_generation->generate(request);
}

void GenerationSession::runRequest(const GenerateRequest& request, Project snapshot,
                                   ResultProvenance provenance, const QString& text)
{
    if (m_generation->modelState() == GenerationController::ModelState::None ||
        m_generation->modelState() == GenerationController::ModelState::Failed) {
        const QString path = modelForProject();
        if (path.isEmpty()) {
            Q_EMIT message(tr("Choose a model first (Model list in the generation panel)."), 0);
            return;
        }
        chooseModel(path);
    }
    m_queue.clear();
    m_queueTotal = 1;
    snapshot.results.clear();
    m_snapshot = std::move(snapshot);
    m_preview = QImage();
    m_panel->setQueuePosition(1, 1);
    Q_EMIT overallProgress(0);
    send(request);
    m_provenance.sourceResultId = provenance.sourceResultId;
    m_provenance.upscale = provenance.upscale;
    Q_EMIT message(text, 4000);
}

void GenerationSession::onResult(const RgbImage& image, double seconds)
{
    m_preview = QImage();
    m_live = QImage(); // the result the artist asked for shows until the next live frame
    if (!m_snapshot)
        return;
    ProjectResult result = makeResult(*m_snapshot, image, m_snapshot->settings.seed);
    result.id = nextResultId(m_document->project());
    result.startImage = m_provenance.startImage;
    result.rerollMask = m_provenance.rerollMask;
    result.sourceResultId = m_provenance.sourceResultId;
    result.upscale = m_provenance.upscale;
    // The worker hashed the files after rendering (LoraHash remembers them); a file that went
    // away since is recorded without its hash.
    auto loras = recordLoras(m_loraRequest);
    result.loras = loras ? std::move(loras.value()) : lorasOfPrompts(m_loraRequest);
    shareLayoutMasks(result, m_document->project()); // the snapshot holds no history
    const std::uint32_t id = result.id;
    m_document->addResult(std::move(result));
    m_results->selectResult(id);
    updateCanvasImage();
    if (!m_queue.empty()) {
        startNext();
        return;
    }
    const int made = m_queueTotal;
    stopQueue();
    m_panel->setProgressText(
        made > 1 ? tr("%1 images done (last in %2 s)").arg(made).arg(seconds, 0, 'f', 1)
                 : tr("Done in %1 s").arg(seconds, 0, 'f', 1));
}

void GenerationSession::useSettingsOf(std::uint32_t resultId)
{
    const Project& p = m_document->project();
    for (const ProjectResult& r : p.results) {
        if (r.id != resultId)
            continue;
        GenerationSettings s = r.settings;
        s.seed = r.seed;
        s.seedMode = SeedMode::Fixed;
        int width = r.image.width, height = r.image.height;
        if (r.upscale != 1.0) {
            // An upscale was made from (and with the layout of) a canvas-sized result.
            width = p.width;
            height = p.height;
            for (const ProjectResult& source : p.results)
                if (source.id == r.sourceResultId) {
                    width = source.image.width;
                    height = source.image.height;
                }
        }
        const std::uint64_t seed = r.seed;
        if (r.layout) {
            // The prompts, masks and boxes that made it: one undo step.
            ProjectLayout layout{width, height, r.prompt, r.negative, layoutRegions(*r.layout)};
            m_document->setSettings(s);
            m_document->setLayout(layout, tr("Use settings of seed %1").arg(seed));
            Q_EMIT message(
                tr("Settings, prompts and regions of seed %1 restored (seed fixed).").arg(seed),
                4000);
            return;
        }
        m_document->setSettings(s);
        if (width != p.width || height != p.height)
            m_document->setCanvasSize(width, height, CanvasResize::scale()); // undoable
        Q_EMIT message(tr("Settings of seed %1 restored (seed fixed).").arg(seed), 4000);
        return;
    }
}

void GenerationSession::reuseLastSeed()
{
    const Project& p = m_document->project();
    if (p.results.empty())
        return;
    GenerationSettings s = p.settings;
    s.seed = p.results.back().seed;
    s.seedMode = SeedMode::Fixed;
    m_document->setSettings(s);
}

void GenerationSession::showResult(std::uint32_t)
{
    updateCanvasImage();
}

void GenerationSession::setLiveImage(const QImage& image, const QString& badge)
{
    m_live = image;
    m_liveBadge = badge;
    updateCanvasImage();
}

void GenerationSession::updateCanvasImage()
{
    const Project& p = m_document->project();
    const auto imageOf = [&](std::uint32_t id) -> QImage {
        for (const ProjectResult& r : p.results)
            if (r.id == id && ((r.image.width == p.width && r.image.height == p.height) ||
                               r.upscale != 1.0)) // an upscale: shown scaled to fit
                return toQImage(r.image);
        return {};
    };
    const std::uint32_t selected = m_results->selectedResult();
    const std::uint32_t newest = p.results.empty() ? 0 : p.results.back().id;
    m_canvas->setBadge(m_preview.isNull() ? QString() : m_previewBadge);
    if (!m_preview.isNull()) {
        m_canvas->setBaseImage(m_preview);
        m_canvas->setCompareImage(m_compare ? imageOf(selected) : QImage());
        return;
    }
    if (!m_live.isNull()) {
        m_canvas->setBadge(m_liveBadge);
        m_canvas->setBaseImage(m_live); // a reduced frame is drawn scaled to the canvas
        m_canvas->setCompareImage(m_compare ? imageOf(selected) : QImage());
        return;
    }
    if (m_compare && selected != 0) {
        // Selected result on the left, the newest one (the "current" image) on the right.
        m_canvas->setBaseImage(imageOf(newest));
        m_canvas->setCompareImage(imageOf(selected));
        return;
    }
    m_canvas->setCompareImage(QImage());
    const std::uint32_t shown = selected != 0 ? selected : newest;
    const QImage image = imageOf(shown);
    m_canvas->setBaseImage(image);
    if (image.isNull() && shown != 0 && selected != 0)
        Q_EMIT message(tr("This result has another size than the canvas: “Use settings” "
                          "brings its size back."),
                       6000);
}

} // namespace md

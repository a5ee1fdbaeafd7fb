#include "ui/generation/GenerationController.h"

#include "ui/generation/GenerationWorker.h"

#include <QThread>
#include <utility>

namespace md {

GenerationController::GenerationController(QObject* parent) : QObject(parent)
{
    m_thread = new QThread(this);
    m_thread->setObjectName("GenerationWorker");
    m_worker = new GenerationWorker;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, m_thread, &GenerationWorker::lowerThreadPriority,
            Qt::DirectConnection); // runs on the worker thread, before any engine call
    connectWorker();
    m_thread->start();
}

GenerationController::~GenerationController()
{
    m_worker->cancel();
    m_thread->quit();
    m_thread->wait();
    delete m_worker; // its thread has stopped, so deleting it here is safe
}

void GenerationController::connectWorker()
{
    GenerationWorker* w = m_worker;
    connect(w, &GenerationWorker::loadStarted, this, [this](const QString& path) {
        m_modelState = ModelState::Loading;
        m_modelPath = path;
        Q_EMIT modelStateChanged(m_modelState, tr("Loading %1…").arg(path));
    });
    connect(w, &GenerationWorker::loadProgress, this, &GenerationController::loadProgress);
    connect(w, &GenerationWorker::modelLoaded, this, [this](const ModelInfo& info) {
        m_modelState = ModelState::Ready;
        m_modelInfo = info;
        Q_EMIT modelStateChanged(m_modelState, std::exchange(m_loadNote, QString()));
    });
    connect(w, &GenerationWorker::variantUnavailable, this,
            [this](const QString& path, const QString& variant, const QString& message) {
                m_failedVariants.insert(path + QLatin1Char('\n') + variant);
                m_variant.clear();
                m_loadNote = tr("The model's \u201c%1\u201d weights could not be loaded, so it "
                                "runs on its plain weights: %2")
                                 .arg(variant, message);
            });
    connect(w, &GenerationWorker::loadFailed, this,
            [this](const QString& path, const QString& message) {
                m_modelState = ModelState::Failed;
                m_modelPath = path;
                m_modelInfo = {};
                Q_EMIT modelStateChanged(m_modelState, message);
            });
    connect(w, &GenerationWorker::previewReady, this, &GenerationController::onPreviewReady);
    connect(w, &GenerationWorker::progress, this, &GenerationController::onProgress);
    connect(w, &GenerationWorker::generationFinished, this, &GenerationController::onFinished);
    connect(w, &GenerationWorker::generationFailed, this, &GenerationController::onFailed);
    connect(w, &GenerationWorker::generationCancelled, this, &GenerationController::onCancelled);
    connect(w, &GenerationWorker::tokenCountReady, this, &GenerationController::tokenCountReady);
    connect(w, &GenerationWorker::estimateReady, this, &GenerationController::estimateReady);
    connect(w, &GenerationWorker::generationStarted, this, [this](quint64 id) {
        if (id == m_running) {
            m_timer.start();
        }
    });
}

void GenerationController::loadModel(const QString& path, const QString& variant)
{
    ModelOptions options;
    options.path = path.toStdString();
    options.variant = variant.toStdString();
    m_modelPath = path;
    m_variant = variant;
    m_modelState = ModelState::Loading;
    Q_EMIT modelStateChanged(m_modelState, tr("Loading %1…").arg(path));
    m_worker->requestLoad(options);
}

void GenerationController::ensureVariant(const QString& variant)
{
    const bool loaded = m_modelState == ModelState::Ready || m_modelState == ModelState::Loading;
    if (m_failedVariants.contains(m_modelPath + QLatin1Char('\n') + variant))
        return;
    if (loaded && !m_modelPath.isEmpty() && variant != m_variant)
        loadModel(m_modelPath, variant);
}

quint64 GenerationController::generate(const GenerateRequest& request)
{
    const quint64 id = m_nextId++;
    setRunning(id);
    m_timer.start();
    Q_EMIT progressChanged(0, request.steps, -1.0);
    m_worker->requestGenerate(withLoraDirs(request), id);
    return id;
}

quint64 GenerationController::generateLive(const GenerateRequest& request)
{
    const quint64 id = m_nextId++;
    m_live = id;
    m_worker->requestGenerate(withLoraDirs(request), id);
    return id;
}

void GenerationController::cancelLive()
{
    if (m_live != 0 && m_running == 0)
        m_worker->cancel(); // m_live ends when the worker confirms
}

void GenerationController::cancel()
{
    if (!m_running)
        return;
    m_worker->cancel();
    // The worker reports the cancellation when the engine stops; the UI is free at once.
    setRunning(0);
    Q_EMIT generationCancelled();
}

quint64 GenerationController::requestTokenCount(const QString& text)
{
    const quint64 id = m_nextCountId++;
    m_worker->requestTokenCount(text, id);
    return id;
}

quint64 GenerationController::requestEstimate(const GenerateRequest& request)
{
    const quint64 id = m_nextEstimateId++;
    m_worker->requestEstimate(withLoraDirs(request), id);
    return id;
}

GenerateRequest GenerationController::withLoraDirs(const GenerateRequest& request) const
{
    GenerateRequest r = request;
    r.loraDirs = m_loraDirs;
    return r;
}

void GenerationController::setRunning(quint64 id)
{
    const bool wasBusy = m_running != 0;
    m_running = id;
    if (wasBusy != (id != 0))
        Q_EMIT busyChanged(id != 0);
}

void GenerationController::onPreviewReady()
{
    std::optional<PreviewImage> preview = m_worker->takePreview();
    if (preview && preview->requestId == m_running && !preview->image.isNull())
        Q_EMIT previewChanged(preview->image, preview->step, preview->totalSteps);
}

void GenerationController::onProgress(quint64 id, const Progress& p)
{
    if (id != m_running || p.totalSteps <= 0)
        return;
    const double elapsed = m_timer.elapsed() / 1000.0;
    // Fractional progress (batches within a step) gives an ETA before the first step ends.
    const double done = p.step + (p.totalBatches > 0 ? double(p.batch) / p.totalBatches : 0.0);
    double eta = -1.0;
    if (done > 0.0)
        eta = elapsed / done * (p.totalSteps - done);
    Q_EMIT progressChanged(p.step, p.totalSteps, eta);
}

void GenerationController::onFinished(quint64 id, const RgbImage& image, double seconds)
{
    Q_EMIT requestEnded(id);
    if (id != 0 && id == m_live) {
        m_live = 0;
        Q_EMIT liveResultReady(id, image, seconds);
        return;
    }
    if (id != m_running)
        return;
    setRunning(0);
    Q_EMIT resultReady(image, m_timer.elapsed() / 1000.0);
}

void GenerationController::onFailed(quint64 id, const QString& message)
{
    Q_EMIT requestEnded(id);
    if (id != 0 && id == m_live) {
        m_live = 0;
        Q_EMIT liveFailed(id, message);
        return;
    }
    if (id != m_running)
        return;
    setRunning(0);
    Q_EMIT generationFailed(message);
}

void GenerationController::onCancelled(quint64 id)
{
    if (id == m_live)
        m_live = 0;
    Q_EMIT engineCancelled(id);
    Q_EMIT requestEnded(id);
    if (id != m_running)
        return; // already reported by cancel(), or replaced by a newer request
    setRunning(0);
    Q_EMIT generationCancelled();
}

} // namespace md

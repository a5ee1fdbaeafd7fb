#include "ui/generation/GenerationWorker.h"

#include "document/LoraFiles.h"
#include "document/ModelSha256.h"
#include "engine/Engine.h"
#include "ui/ImageConversion.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>
#include <algorithm>
#include <exception>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace md {

GenerationWorker::GenerationWorker()
{
    qRegisterMetaType<md::RgbImage>();
    qRegisterMetaType<md::ModelOptions>();
    qRegisterMetaType<md::ModelInfo>();
    qRegisterMetaType<md::Progress>();
    qRegisterMetaType<md::GenerationEstimate>();
}

GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::lowerThreadPriority()
{
#ifdef __linux__
    // On Linux the nice value is the thread's, and threads it creates inherit it (the OpenMP
    // pool of libtorch and OpenBLAS starts on the first engine call, from this thread).
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    const int current = getpriority(PRIO_PROCESS, tid);
    (void)setpriority(PRIO_PROCESS, tid, std::min(19, current + 5)); // best effort
#endif
}

void GenerationWorker::requestLoad(const ModelOptions& options)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pendingLoad = options;
        m_cancel = true; // a new model makes the running generation pointless
    }
    post();
}

void GenerationWorker::requestGenerate(const GenerateRequest& request, quint64 requestId)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pendingGenerate = std::make_pair(request, requestId);
        m_cancel = true; // cancels the running one; processPending clears it
    }
    post();
}

void GenerationWorker::cancel()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pendingGenerate.reset();
    m_cancel = true;
}

void GenerationWorker::requestTokenCount(const QString& text, quint64 requestId)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pendingCounts.emplace_back(text.toStdString(), requestId);
    }
    post();
}

void GenerationWorker::requestEstimate(const GenerateRequest& request, quint64 requestId)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_pendingEstimate.emplace(request, requestId);
    }
    post();
}

std::optional<PreviewImage> GenerationWorker::takePreview()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_previewPosted = false;
    std::optional<PreviewImage> out = std::move(m_preview);
    m_preview.reset();
    return out;
}

void GenerationWorker::post()
{
    QMetaObject::invokeMethod(this, &GenerationWorker::processPending, Qt::QueuedConnection);
}

void GenerationWorker::processPending()
{
    std::optional<ModelOptions> load;
    std::optional<std::pair<GenerateRequest, quint64>> generate;
    std::vector<std::pair<std::string, quint64>> counts;
    std::optional<std::pair<GenerateRequest, quint64>> estimate;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        load.swap(m_pendingLoad);
        generate.swap(m_pendingGenerate);
        counts.swap(m_pendingCounts);
        estimate.swap(m_pendingEstimate);
        if (load || generate)
            m_cancel = false;
    }
    if (!m_engine)
        m_engine = std::make_unique<Engine>();
    if (load)
        runLoad(*load);
    for (const auto& [text, id] : counts) // quick: before a generation that may take minutes
        runTokenCount(text, id);
    if (estimate)
        runEstimate(estimate->first, estimate->second);
    if (generate)
        runGenerate(generate->first, generate->second);
}

Status GenerationWorker::loadEngine(const ModelOptions& options)
{
    try {
        return m_engine->load(options, [this](const std::string& stage, float fraction) {
            Q_EMIT loadProgress(QString::fromStdString(stage), double(fraction));
        });
    } catch (const std::exception& e) {
        return Status::error(e.what());
    }
}

void GenerationWorker::runLoad(const ModelOptions& options)
{
    const QString path = QString::fromStdString(options.path);
    Q_EMIT loadStarted(path);
    Status status = loadEngine(options);
    if (!status.isOk() && !options.variant.empty()) {
        // A variant is an extra (live mode's few-step weights): when its file cannot be read,
        // the model still works with its plain weights.
        ModelOptions plain = options;
        plain.variant.clear();
        if (Status fallback = loadEngine(plain); fallback.isOk()) {
            Q_EMIT variantUnavailable(path, QString::fromStdString(options.variant),
                                      QString::fromStdString(status.message()));
            status = fallback;
        }
    }
    if (status.isOk()) {
        // The file's whole SHA-256 names the model in exports (A1111's "Model hash"); hashing
        // a 7 GB file takes seconds, so it is done here, once, and cached for the GUI thread.
        if (QFileInfo(path).isFile()) {
            Q_EMIT loadProgress(tr("hashing the model file"), 1.0);
            (void)modelFileSha256(options.path);
        }
        Q_EMIT modelLoaded(m_engine->info());
    } else {
        Q_EMIT loadFailed(path, QString::fromStdString(status.message()));
    }
}

void GenerationWorker::runEstimate(const GenerateRequest& request, quint64 requestId)
{
    Result<GenerationEstimate> estimate = Status::error("no model is loaded");
    try {
        estimate = m_engine->estimate(request);
    } catch (const std::exception& e) {
        estimate = Status::error(e.what());
    }
    if (estimate.isOk())
        Q_EMIT estimateReady(requestId, estimate.value(), QString());
    else
        Q_EMIT estimateReady(requestId, GenerationEstimate{},
                             QString::fromStdString(estimate.error()));
}

void GenerationWorker::runTokenCount(const std::string& text, quint64 requestId)
{
    Result<PromptTokenCount> count = Status::error("no model is loaded");
    try {
        count = m_engine->countTokens(text);
    } catch (const std::exception& e) {
        count = Status::error(e.what());
    }
    if (count.isOk())
        Q_EMIT tokenCountReady(requestId, count->tokens, count->chunks, count->chunkCapacity);
    else
        Q_EMIT tokenCountReady(requestId, -1, 0, 0);
}

void GenerationWorker::runGenerate(const GenerateRequest& request, quint64 requestId)
{
    Q_EMIT generationStarted(requestId);
    QElapsedTimer timer;
    timer.start();
    GenerateCallbacks callbacks;
    callbacks.cancel = &m_cancel;
    callbacks.onProgress = [this, requestId](const Progress& p) { Q_EMIT progress(requestId, p); };
    callbacks.onPreview = [this, requestId](const PreviewFrame& frame) {
        PreviewImage preview{requestId, frame.step, frame.totalSteps, frame.fullDecode,
                             toQImage(frame.image)};
        bool notify = false;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_preview = std::move(preview);
            notify = !m_previewPosted;
            m_previewPosted = true;
        }
        if (notify)
            Q_EMIT previewReady();
    };

    Result<RgbImage> result = Status::error("generation did not run");
    try {
        result = m_engine->generate(request, callbacks);
    } catch (const std::exception& e) {
        result = Status::error(e.what());
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (result.isOk()) {
        // The LoRA files' hashes (each file read whole) are taken here, once, and remembered
        // (LoraHash) for the result the GUI thread records.
        (void)recordLoras(request);
        Q_EMIT generationFinished(requestId, result.value(), seconds);
    } else if (result.status().isCancelled()) {
        Q_EMIT generationCancelled(requestId);
    } else {
        Q_EMIT generationFailed(requestId, QString::fromStdString(result.error()));
    }
}

} // namespace md

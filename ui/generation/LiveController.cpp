#include "ui/generation/LiveController.h"

#include "engine/SamplingPreset.h"
#include "ui/ImageConversion.h"
#include "ui/commands/MaskPatchCommand.h"
#include "ui/commands/PaintPatchCommand.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"
#include "ui/generation/GenerationController.h"
#include "ui/generation/LiveRequest.h"

#include <QTimer>

namespace md {

namespace {
constexpr int kPauseMs = 1000; // no edit for this long: the full-size frame
} // namespace

LiveController::LiveController(DocumentController* document, GenerationController* generation,
                               QObject* parent)
    : QObject(parent), m_document(document), m_generation(generation), m_debounce(new QTimer(this)),
      m_pause(new QTimer(this))
{
    m_debounce->setSingleShot(true);
    m_pause->setSingleShot(true);
    m_pause->setInterval(kPauseMs);
    connect(m_debounce, &QTimer::timeout, this, [this] { render(false); });
    connect(m_pause, &QTimer::timeout, this, &LiveController::onPaused);
    // Every edit is an undo step or a merge into one (typing, a box drag), undo and redo too.
    connect(document->undoStack(), &QUndoStack::indexChanged, this, &LiveController::onEdited);
    connect(document->model(), &ProjectModel::projectReset, this, [this] {
        clearFrame(); // it belongs to the project that was closed
        onEdited();
    });
    connect(generation, &GenerationController::liveResultReady, this, &LiveController::onResult);
    connect(generation, &GenerationController::liveFailed, this, &LiveController::onFailed);
    connect(generation, &GenerationController::engineCancelled, this,
            &LiveController::onEngineCancelled);
    connect(generation, &GenerationController::busyChanged, this, [this](bool busy) {
        if (!busy && m_waiting)
            renderLater();
    });
    connect(generation, &GenerationController::modelStateChanged, this,
            [this](GenerationController::ModelState state) {
                if (state == GenerationController::ModelState::Ready)
                    onModelReady();
            });
}

void LiveController::setDelays(int debounceMs, int pauseMs)
{
    m_debounceMs = debounceMs;
    m_pause->setInterval(pauseMs);
}

void LiveController::setEnabled(bool on)
{
    if (on == m_enabled)
        return;
    m_enabled = on;
    m_debounce->stop();
    m_pause->stop();
    m_waiting = false;
    m_keepWhenFull = false;
    m_fullDue = false;
    if (on) {
        render(false);
    } else {
        if (m_pending)
            m_generation->cancelLive();
        m_pending.reset();
        m_pendingId = 0;
        clearFrame();
    }
    Q_EMIT enabledChanged(on);
}

void LiveController::onEdited()
{
    if (!m_enabled)
        return;
    // A finished stroke (or a fill) starts at once; typing and drags wait for a pause.
    const DocumentCommand* top = m_document->undoStack()->top();
    const bool stroke =
        m_document->undoStack()->index() == m_document->undoStack()->count() &&
        (dynamic_cast<const MaskPatchCommand*>(top) || dynamic_cast<const PaintPatchCommand*>(top));
    m_debounce->start(stroke ? 0 : m_debounceMs);
    m_pause->start();
    m_fullDue = false;
}

void LiveController::onPaused()
{
    if (!m_enabled || !m_needFull)
        return;
    // The reduced frame still on its way shows first (it may wait behind a decode that
    // cannot be cancelled); the full-size one follows it.
    if (m_pending)
        m_fullDue = true;
    else
        render(true);
}

void LiveController::renderLater()
{
    m_waiting = false;
    QTimer::singleShot(0, this, [this] { render(!m_policy.reduce()); });
}

void LiveController::render(bool fullSize)
{
    if (!m_enabled)
        return;
    using State = GenerationController::ModelState;
    if (m_generation->isBusy()) {
        m_waiting = true; // a normal generation runs: a frame now would cancel it
        return;
    }
    if (m_generation->modelState() == State::None || m_generation->modelState() == State::Failed) {
        Q_EMIT message(tr("Live mode needs a model: choose one in the Model list."), 6000);
        return;
    }
    const auto preset = samplingPreset(m_generation->modelInfo(), "live");
    if (!preset)
        return;
    Render next;
    next.revision = m_document->revision();
    next.snapshot = liveSnapshot(m_document->project());
    if (const Status status = validate(next.snapshot); !status.isOk()) {
        Q_EMIT message(tr("Live: %1").arg(QString::fromStdString(status.message())), 4000);
        return;
    }
    // Its few-step weights where the model has them: loaded once, kept while live is on.
    m_generation->ensureVariant(QString::fromStdString(preset->modelVariant));
    next.request = liveRequest(next.snapshot, *preset);
    next.reduced = !fullSize && m_policy.reduce();
    if (next.reduced) {
        const FrameSize size =
            LiveSizePolicy::reducedSize({next.request.width, next.request.height});
        next.request = scaledRequest(next.request, size.width, size.height);
    }
    m_needFull = next.reduced;
    if (!next.reduced)
        m_fullDue = false;
    m_pending = std::move(next);
    m_pendingId = m_generation->generateLive(m_pending->request);
}

void LiveController::onResult(quint64 id, const RgbImage& image, double seconds)
{
    if (!m_pending || id != m_pendingId)
        return; // stale: a newer frame was asked for
    const FrameSize canvas{m_pending->snapshot.width, m_pending->snapshot.height};
    m_policy.record(seconds, {image.width, image.height}, canvas);
    Frame frame;
    static_cast<Render&>(frame) = std::move(*m_pending);
    frame.image = image;
    frame.seconds = seconds;
    m_pending.reset();
    m_pendingId = 0;
    m_frame = std::move(frame);
    m_frameImage = toQImage(m_frame->image);
    const QString badge =
        m_frame->reduced
            ? tr("Live · half size · %1 s (full size when you pause)").arg(seconds, 0, 'f', 2)
            : tr("Live · %1 s").arg(seconds, 0, 'f', 2);
    Q_EMIT frameChanged(m_frameImage, badge);
    if (m_keepWhenFull && !m_frame->reduced) {
        m_keepWhenFull = false;
        addToHistory();
    }
    if (m_fullDue && m_frame->reduced) {
        m_fullDue = false;
        render(true);
    }
}

void LiveController::onFailed(quint64 id, const QString& text)
{
    if (!m_pending || id != m_pendingId)
        return;
    m_pending.reset();
    m_pendingId = 0;
    m_keepWhenFull = false;
    Q_EMIT message(tr("Live frame failed: %1").arg(text), 6000);
}

void LiveController::onEngineCancelled(quint64 id)
{
    // Not by a newer frame (that one would be pending now): a model load or a normal
    // generation stopped it. After a load the document still wants its frame; after a normal
    // generation its result shows until the next edit.
    if (!m_pending || id != m_pendingId)
        return;
    const bool full = !m_pending->reduced;
    m_pending.reset();
    m_pendingId = 0;
    if (m_enabled && !m_generation->isBusy())
        QTimer::singleShot(0, this, [this, full] { render(full); });
}

void LiveController::onModelReady()
{
    // Speed is the model's: another model (or variant) measures again.
    const QString key =
        m_generation->modelPath() + QLatin1Char('\n') + m_generation->modelVariant();
    if (key != m_modelKey)
        m_policy.reset();
    m_modelKey = key;
}

void LiveController::clearFrame()
{
    m_frame.reset();
    m_frameImage = QImage();
    m_needFull = false;
    Q_EMIT frameChanged(QImage(), QString());
}

bool LiveController::keep()
{
    if (!m_frame) {
        Q_EMIT message(tr("No live image to keep yet: turn Live on and paint."), 4000);
        return false;
    }
    if (m_frame->keptId != 0) {
        Q_EMIT message(tr("This live image is already in the history."), 3000);
        return false;
    }
    if (m_frame->reduced) {
        // Results are canvas-sized: the full-size frame is made now and kept when it comes.
        m_keepWhenFull = true;
        if (!m_pending || m_pending->reduced)
            render(true);
        Q_EMIT message(tr("Rendering the live image at full size to keep it…"), 3000);
        return true;
    }
    addToHistory();
    return true;
}

void LiveController::addToHistory()
{
    const Project& project = m_document->project();
    if (m_frame->snapshot.width != project.width || m_frame->snapshot.height != project.height) {
        Q_EMIT message(tr("The canvas changed size since this live image: it is not kept."), 5000);
        return;
    }
    ProjectResult result = makeResult(m_frame->snapshot, m_frame->image, m_frame->request);
    // The settings that made it: the live preset's, not the document's.
    result.settings.sampler = m_frame->request.sampler;
    result.settings.steps = m_frame->request.steps;
    result.settings.cfg = m_frame->request.cfg;
    result.id = nextResultId(project);
    shareLayoutMasks(result, project);
    m_frame->keptId = result.id;
    m_document->addResult(std::move(result));
    Q_EMIT kept(m_frame->keptId);
}

} // namespace md

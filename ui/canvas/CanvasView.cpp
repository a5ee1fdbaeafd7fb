#include "ui/canvas/CanvasView.h"

#include "ui/canvas/BoxOverlay.h"
#include "ui/canvas/CanvasNotes.h"
#include "ui/canvas/CanvasTool.h"
#include "ui/document/DocumentController.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QFocusEvent>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QPlainTextEdit>
#include <QTabletEvent>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace md {

namespace {
constexpr double kMinZoom = 0.05;
constexpr double kMaxZoom = 32.0;
constexpr double kFitMargin = 24.0;
} // namespace

CanvasView::CanvasView(DocumentController* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_overlays(document->model()),
      m_layerImages(document->model())
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
    ProjectModel* model = document->model();
    connect(model, &ProjectModel::projectReset, this, [this] {
        m_overlays.clear();
        m_layerImages.clear();
        m_autoFit = true;
        fitToWindow();
    });
    connect(model, &ProjectModel::canvasChanged, this, &CanvasView::onCanvasChanged);
    connect(model, &ProjectModel::regionsChanged, this, [this] {
        m_overlays.clear();
        update();
    });
    connect(model, &ProjectModel::regionChanged, this, [this] { update(); });
    connect(model, &ProjectModel::maskChanged, this, &CanvasView::onMaskChanged);
    connect(model, &ProjectModel::boxChanged, this, [this] { update(); });
    connect(document, &DocumentController::currentRegionChanged, this, [this] { update(); });
    connect(model, &ProjectModel::paintLayersChanged, this, [this] {
        m_layerImages.clear();
        update();
    });
    connect(model, &ProjectModel::paintLayerChanged, this, [this] { update(); });
    connect(model, &ProjectModel::paintChanged, this, &CanvasView::onPaintChanged);
    setAcceptDrops(true);
    m_tiledAction = new QAction(tr("&Tiled Preview (check the wrap seam)"), this);
    m_tiledAction->setCheckable(true);
    m_tiledAction->setShortcut(QKeySequence(Qt::Key_W));
    connect(m_tiledAction, &QAction::toggled, this, &CanvasView::setTiledPreview);
    addAction(m_tiledAction); // window-wide, like the tool keys
}

void CanvasView::setTiledPreview(bool on)
{
    if (m_tiled == on)
        return;
    m_tiled = on;
    m_tiledAction->setChecked(on);
    if (m_autoFit)
        fitToWindow();
    update();
}

// ---- View ------------------------------------------------------------------------------------

QPointF CanvasView::canvasToWidget(QPointF canvas) const
{
    return canvas * m_zoom + m_offset;
}

QPointF CanvasView::widgetToCanvas(QPointF widget) const
{
    return (widget - m_offset) / m_zoom;
}

QRectF CanvasView::canvasRectInWidget() const
{
    const Project& p = m_document->project();
    return QRectF(m_offset, QSizeF(p.width * m_zoom, p.height * m_zoom));
}

void CanvasView::setZoom(double zoom, QPointF anchor)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    const QPointF canvasAnchor = widgetToCanvas(anchor);
    m_zoom = zoom;
    m_offset = anchor - canvasAnchor * m_zoom;
    clampOffset();
    update();
    Q_EMIT zoomChanged(m_zoom);
}

void CanvasView::fitToWindow()
{
    const Project& p = m_document->project();
    const double availableW = std::max(1.0, width() - 2 * kFitMargin);
    const double availableH = std::max(1.0, height() - 2 * kFitMargin);
    const int shownWidth = m_tiled ? 2 * p.width : p.width; // the tiled preview's two copies
    m_zoom =
        std::clamp(std::min(availableW / shownWidth, availableH / p.height), kMinZoom, kMaxZoom);
    m_offset = QPointF((width() - shownWidth * m_zoom) / 2, (height() - p.height * m_zoom) / 2);
    m_autoFit = true;
    update();
    Q_EMIT zoomChanged(m_zoom);
}

void CanvasView::zoomActualSize()
{
    m_autoFit = false;
    const QPointF centre(width() / 2.0, height() / 2.0);
    setZoom(1.0, centre);
}

void CanvasView::zoomIn()
{
    m_autoFit = false;
    setZoom(m_zoom * 1.25, QPointF(width() / 2.0, height() / 2.0));
}

void CanvasView::zoomOut()
{
    m_autoFit = false;
    setZoom(m_zoom / 1.25, QPointF(width() / 2.0, height() / 2.0));
}

void CanvasView::clampOffset()
{
    // Keep at least a quarter of the canvas (or 64 px) on screen.
    const QRectF r = canvasRectInWidget();
    const double keepX = std::min(r.width(), std::max(64.0, r.width() / 4));
    const double keepY = std::min(r.height(), std::max(64.0, r.height() / 4));
    m_offset.setX(std::clamp(m_offset.x(), keepX - r.width(), width() - keepX));
    m_offset.setY(std::clamp(m_offset.y(), keepY - r.height(), height() - keepY));
}

// ---- Content ---------------------------------------------------------------------------------

void CanvasView::setBaseImage(const QImage& image)
{
    m_base = image;
    update();
}

void CanvasView::setCompareImage(const QImage& image)
{
    m_compare = image;
    m_draggingSplit = false;
    update();
}

void CanvasView::setBadge(const QString& text)
{
    if (m_badge == text)
        return;
    m_badge = text;
    update();
}

double CanvasView::splitX() const
{
    const QRectF canvas = canvasRectInWidget();
    return canvas.left() + canvas.width() * m_split;
}

void CanvasView::setPreviewMode(PreviewMode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    update();
    Q_EMIT previewModeChanged(mode);
}

void CanvasView::setOverlayOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void CanvasView::setTool(CanvasTool* tool)
{
    if (m_tool == tool)
        return;
    if (m_tool) {
        m_tool->leave();
        disconnect(m_tool, nullptr, this, nullptr);
    }
    m_tool = tool;
    if (m_toolActive) {
        m_toolActive = false;
        Q_EMIT interactionChanged(false);
    }
    if (m_tool) {
        m_tool->setView(this);
        connect(m_tool, &CanvasTool::overlayChanged, this, [this] { update(); });
        connect(m_tool, &CanvasTool::cursorChanged, this, &CanvasView::updateCursor);
    }
    updateCursor();
    update();
}

void CanvasView::updateCursor()
{
    if (m_panning)
        setCursor(Qt::ClosedHandCursor);
    else if (m_spaceDown)
        setCursor(Qt::OpenHandCursor);
    else if (m_tool)
        setCursor(m_tool->cursor());
    else
        unsetCursor();
}

void CanvasView::onMaskChanged(std::uint32_t regionId, const QRect& rect)
{
    m_overlays.update(regionId, rect);
    const QRectF r(canvasToWidget(rect.topLeft()),
                   canvasToWidget(rect.bottomRight() + QPoint(1, 1)));
    update(r.toAlignedRect().adjusted(-2, -2, 2, 2));
}

void CanvasView::onPaintChanged(std::uint32_t layerId, const QRect& rect)
{
    m_layerImages.update(layerId, rect);
    const QRectF r(canvasToWidget(rect.topLeft()),
                   canvasToWidget(rect.bottomRight() + QPoint(1, 1)));
    update(r.toAlignedRect().adjusted(-2, -2, 2, 2));
}

void CanvasView::onCanvasChanged()
{
    m_overlays.clear();
    m_layerImages.clear();
    if (m_autoFit)
        fitToWindow();
    else
        clampOffset();
    update();
}

// ---- Painting --------------------------------------------------------------------------------

void CanvasView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(30, 31, 34));
    paintCanvas(painter);
    if (m_mode != PreviewMode::ResultOnly) {
        paintLayers(painter);
        paintOverlays(painter);
    }
    if (isComparing())
        paintDivider(painter);
    if (m_document->project().regions.empty() && m_document->project().paintLayers.empty() &&
        m_base.isNull())
        CanvasNotes::paintHint(
            painter, canvasRectInWidget(),
            tr("Paint a region with the brush (B) or drag a box (U),\n"
               "then give it a prompt on the right and press Generate (Ctrl+Return).\n"
               "Drop a picture here to paint over it, or a project to open it."));
    if (!m_base.isNull() && m_mode != PreviewMode::MasksOnly)
        CanvasNotes::paintBadge(painter, canvasRectInWidget(), m_badge);
    if (m_tool && !m_spaceDown && !m_panning && !m_draggingSplit)
        m_tool->paintOverlay(painter);
}

void CanvasView::paintCanvas(QPainter& painter)
{
    const QRectF canvas = canvasRectInWidget();
    // A soft shadow to lift the canvas off the background.
    for (int i = 1; i <= 4; ++i)
        painter.fillRect(canvas.adjusted(-i, -i + 2, i, i + 2), QColor(0, 0, 0, 18));
    const bool showBase = m_mode != PreviewMode::MasksOnly && !m_base.isNull();
    if (!showBase) {
        // A quiet checkerboard: "nothing generated yet" / masks-only view.
        painter.save();
        painter.setClipRect(canvas);
        painter.fillRect(canvas, QColor(58, 60, 64));
        const int cell = 16;
        const QColor dark(52, 54, 58);
        for (int y = int(canvas.top()); y < canvas.bottom(); y += cell)
            for (int x = int(canvas.left()) + (((y - int(canvas.top())) / cell) % 2) * cell;
                 x < canvas.right(); x += 2 * cell)
                painter.fillRect(x, y, cell, cell, dark);
        painter.restore();
        return;
    }
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 2.0);
    painter.drawImage(canvas, m_base, QRectF(m_base.rect()));
    if (m_tiled)
        painter.drawImage(canvas.translated(canvas.width(), 0), m_base, QRectF(m_base.rect()));
    if (isComparing()) {
        painter.save();
        painter.setClipRect(QRectF(canvas.topLeft(), QPointF(splitX(), canvas.bottom())));
        painter.drawImage(canvas, m_compare, QRectF(m_compare.rect()));
        painter.restore();
    }
}

void CanvasView::paintDivider(QPainter& painter)
{
    const QRectF canvas = canvasRectInWidget();
    const double x = splitX();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(0, 0, 0, 120), 3));
    painter.drawLine(QPointF(x, canvas.top()), QPointF(x, canvas.bottom()));
    painter.setPen(QPen(Qt::white, 1.5));
    painter.drawLine(QPointF(x, canvas.top()), QPointF(x, canvas.bottom()));
    const QPointF knob(x, canvas.center().y());
    painter.setBrush(Qt::white);
    painter.setPen(QPen(QColor(0, 0, 0, 140), 1));
    painter.drawEllipse(knob, 7, 7);
    const QFontMetrics fm(painter.font());
    const auto tag = [&](const QString& text, bool left) {
        const QRectF r = QRectF(fm.boundingRect(text)).adjusted(-6, -3, 6, 3);
        QRectF placed(QPointF(0, 0), r.size());
        placed.moveTop(canvas.top() + 8);
        if (left)
            placed.moveRight(x - 8);
        else
            placed.moveLeft(x + 8);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0, 0, 0, 150));
        painter.drawRoundedRect(placed, 4, 4);
        painter.setPen(Qt::white);
        painter.drawText(placed, Qt::AlignCenter, text);
    };
    tag(tr("selected"), true);
    tag(tr("newest"), false);
    painter.restore();
}

void CanvasView::paintLayers(QPainter& painter)
{
    // The paint layers (colour sketch, imported pictures) over the result, under the masks.
    const QRectF canvas = canvasRectInWidget();
    painter.save();
    painter.setClipRect(canvas);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 2.0);
    for (const PaintLayer& layer : m_document->project().paintLayers) {
        if (!layer.visible)
            continue;
        const QImage& view = m_layerImages.get(layer.id);
        if (view.isNull())
            continue;
        painter.setOpacity(layer.opacity);
        painter.drawImage(canvas, view, QRectF(view.rect()));
    }
    painter.restore();
}

void CanvasView::paintOverlays(QPainter& painter)
{
    const Project& project = m_document->project();
    const QRectF canvas = canvasRectInWidget();
    painter.save();
    painter.setClipRect(canvas);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
    // Over a result the fills are lighter, so its colours can still be judged; the outlines
    // below keep the regions readable.
    const bool overImage = m_mode == PreviewMode::Both && !m_base.isNull();
    painter.setOpacity(overImage ? m_opacity * 0.5 : m_opacity);
    for (const ProjectRegion& region : project.regions) {
        if (!region.visible)
            continue;
        if (region.kind == RegionKind::Box) {
            BoxOverlay::paintFill(painter, *this, region, project.width);
            continue;
        }
        const QImage& overlay = m_overlays.get(region.id).fill;
        if (!overlay.isNull())
            painter.drawImage(canvas, overlay, QRectF(overlay.rect()));
    }
    // Outlines at (nearly) full strength, so regions stay readable at low fill opacity.
    painter.setOpacity(std::min(1.0, 0.35 + m_opacity));
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 4.0); // softer steps
    for (const ProjectRegion& region : project.regions) {
        if (!region.visible || region.kind != RegionKind::Mask)
            continue;
        const QImage& edges = m_overlays.get(region.id).edges;
        if (!edges.isNull())
            painter.drawImage(canvas, edges, QRectF(edges.rect()));
    }
    painter.setOpacity(1.0);
    painter.setRenderHint(QPainter::Antialiasing);
    // Box outlines and name tags at full strength, so boxes stay findable at low opacity.
    BoxOverlay::paintOutlines(painter, *this, project, m_document->currentRegionId());
    painter.restore();
}

// ---- Input -----------------------------------------------------------------------------------

static CanvasMouse toCanvasMouse(const CanvasView& view, QMouseEvent* event)
{
    CanvasMouse m;
    m.widgetPos = event->position();
    m.pos = view.widgetToCanvas(event->position());
    m.button = event->button();
    m.buttons = event->buttons();
    m.modifiers = event->modifiers();
    return m;
}

void CanvasView::mousePressEvent(QMouseEvent* event)
{
    setFocus(Qt::MouseFocusReason);
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceDown)) {
        m_panning = true;
        m_panStart = event->position();
        m_panOffsetStart = m_offset;
        updateCursor();
        update();
        return;
    }
    if (isComparing() && event->button() == Qt::LeftButton &&
        std::abs(event->position().x() - splitX()) <= 8) {
        m_draggingSplit = true;
        return;
    }
    if (m_tool && event->button() == Qt::LeftButton) {
        m_toolActive = true;
        Q_EMIT interactionChanged(true);
        m_tool->press(toCanvasMouse(*this, event));
    }
}

void CanvasView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF canvasPos = widgetToCanvas(event->position());
    const Project& p = m_document->project();
    Q_EMIT cursorMoved(QPoint(int(std::floor(canvasPos.x())), int(std::floor(canvasPos.y()))),
                       QRectF(0, 0, p.width, p.height).contains(canvasPos));
    if (m_panning) {
        m_offset = m_panOffsetStart + (event->position() - m_panStart);
        m_autoFit = false;
        clampOffset();
        update();
        return;
    }
    if (m_draggingSplit) {
        const QRectF canvas = canvasRectInWidget();
        m_split = std::clamp((event->position().x() - canvas.left()) / canvas.width(), 0.0, 1.0);
        update();
        return;
    }
    if (isComparing() && std::abs(event->position().x() - splitX()) <= 8 && !m_toolActive) {
        setCursor(Qt::SplitHCursor);
        return;
    }
    updateCursor();
    if (m_tool && !m_spaceDown)
        m_tool->move(toCanvasMouse(*this, event));
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        updateCursor();
        update();
        return;
    }
    if (m_draggingSplit && event->button() == Qt::LeftButton) {
        m_draggingSplit = false;
        update();
        return;
    }
    if (m_tool && m_toolActive && event->button() == Qt::LeftButton) {
        m_toolActive = false;
        m_tool->release(toCanvasMouse(*this, event));
        Q_EMIT interactionChanged(false);
    }
}

void CanvasView::wheelEvent(QWheelEvent* event)
{
    const QPoint pixels = event->pixelDelta();
    const QPoint degrees = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        const double steps = degrees.y() / 120.0;
        m_autoFit = false;
        setZoom(m_zoom * std::pow(1.2, steps), event->position());
    } else {
        QPointF delta = !pixels.isNull() ? QPointF(pixels) : QPointF(degrees) / 120.0 * 48.0;
        if (event->modifiers() & Qt::ShiftModifier)
            delta = QPointF(delta.y(), delta.x());
        m_offset += delta;
        m_autoFit = false;
        clampOffset();
        update();
    }
    event->accept();
}

void CanvasView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = true;
        updateCursor();
        update();
        return;
    }
    QWidget::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = false;
        updateCursor();
        update();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void CanvasView::enterEvent(QEnterEvent*)
{
    // Take the keyboard when the pointer arrives, so Space pans at once, unless the artist
    // is typing somewhere (a prompt, a name, a number).
    QWidget* focus = QApplication::focusWidget();
    const bool typing = qobject_cast<QLineEdit*>(focus) || qobject_cast<QPlainTextEdit*>(focus) ||
                        qobject_cast<QAbstractSpinBox*>(focus);
    if (!typing && window()->isActiveWindow())
        setFocus(Qt::MouseFocusReason);
}

void CanvasView::leaveEvent(QEvent*)
{
    if (m_tool)
        m_tool->leave();
}

void CanvasView::focusOutEvent(QFocusEvent* event)
{
    m_spaceDown = false;
    updateCursor();
    QWidget::focusOutEvent(event);
}

void CanvasView::tabletEvent(QTabletEvent* event)
{
    // The pen drives the tool itself, with its pressure; the mouse events Qt would
    // synthesise from it are refused by accepting it here.
    if (!m_tool || m_spaceDown || m_panning || m_draggingSplit) {
        event->ignore();
        return;
    }
    CanvasMouse m;
    m.widgetPos = event->position();
    m.pos = widgetToCanvas(event->position());
    m.button = event->button();
    m.buttons = event->buttons();
    m.modifiers = event->modifiers();
    m.pressure = float(std::clamp(event->pressure(), 0.05, 1.0));
    switch (event->type()) {
    case QEvent::TabletPress:
        if (event->button() != Qt::LeftButton) {
            event->ignore();
            return;
        }
        setFocus(Qt::MouseFocusReason);
        m_toolActive = true;
        Q_EMIT interactionChanged(true);
        m_tool->press(m);
        break;
    case QEvent::TabletMove:
        m_tool->move(m);
        break;
    case QEvent::TabletRelease:
        if (m_toolActive && event->button() == Qt::LeftButton) {
            m_toolActive = false;
            m_tool->release(m);
            Q_EMIT interactionChanged(false);
        }
        break;
    default:
        event->ignore();
        return;
    }
    event->accept();
}

void CanvasView::contextMenuEvent(QContextMenuEvent* event)
{
    if (m_toolActive)
        return;
    Q_EMIT contextMenuRequested(widgetToCanvas(event->pos()), event->globalPos());
    event->accept();
}

void CanvasView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void CanvasView::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    const QImage image = event->mimeData()->hasImage()
                             ? qvariant_cast<QImage>(event->mimeData()->imageData())
                             : QImage();
    if (paths.isEmpty() && image.isNull())
        return;
    event->acceptProposedAction();
    Q_EMIT dropped(paths, image);
}

void CanvasView::resizeEvent(QResizeEvent*)
{
    if (m_autoFit)
        fitToWindow();
    else
        clampOffset();
}

} // namespace md

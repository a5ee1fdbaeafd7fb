#include "ui/canvas/BoxTool.h"

#include "ui/canvas/BoxOverlay.h"
#include "ui/canvas/CanvasView.h"
#include "ui/document/DocumentController.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace md {

namespace {
constexpr double kHandle = 7.0; // handle half-size / grab distance, widget pixels
constexpr int kSnap = 8;

int snapped(double v, bool snap)
{
    return snap ? int(std::lround(v / kSnap)) * kSnap : int(std::lround(v));
}
} // namespace

BoxTool::BoxTool(DocumentController* document, QObject* parent) : CanvasTool(document, parent) {}

QRectF BoxTool::boxInWidget(const Box& box) const
{
    return QRectF(view()->canvasToWidget(QPointF(box.x, box.y)),
                  view()->canvasToWidget(QPointF(box.x + box.width, box.y + box.height)));
}

QList<QRectF> BoxTool::partsInWidget(const Box& box) const
{
    return BoxOverlay::partsInWidget(*view(), box, document()->project().width);
}

BoxTool::Hit BoxTool::hitTest(QPointF p) const
{
    const DocumentController* doc = document();
    const auto& regions = doc->project().regions;
    const auto edgesOfPart = [&](const QRectF& r) {
        if (!r.adjusted(-kHandle, -kHandle, kHandle, kHandle).contains(p))
            return 0;
        int edges = 0;
        if (std::abs(p.x() - r.left()) <= kHandle)
            edges |= Left;
        else if (std::abs(p.x() - r.right()) <= kHandle)
            edges |= Right;
        if (std::abs(p.y() - r.top()) <= kHandle)
            edges |= Top;
        else if (std::abs(p.y() - r.bottom()) <= kHandle)
            edges |= Bottom;
        if (edges == 0 && r.contains(p))
            edges = Inside;
        return edges;
    };
    const auto edgesOf = [&](const Box& box) {
        for (const QRectF& part : partsInWidget(box)) // both sides of the wrap seam
            if (const int edges = edgesOfPart(part))
                return edges;
        return 0;
    };
    // Every box has handles: the current box first (where boxes overlap, its handles win),
    // then the others from the topmost down.
    if (const ProjectRegion* current = doc->currentRegion()) {
        if (current->kind == RegionKind::Box && current->visible)
            if (const int edges = edgesOf(current->box))
                return {current->id, edges};
    }
    for (auto it = regions.rbegin(); it != regions.rend(); ++it) {
        if (it->kind != RegionKind::Box || !it->visible)
            continue;
        if (const int edges = edgesOf(it->box))
            return {it->id, edges};
    }
    return {};
}

void BoxTool::setCursorFor(int edges)
{
    Qt::CursorShape shape = Qt::CrossCursor;
    if (edges == Inside)
        shape = Qt::SizeAllCursor;
    else if (edges == (Left | Top) || edges == (Right | Bottom))
        shape = Qt::SizeFDiagCursor;
    else if (edges == (Right | Top) || edges == (Left | Bottom))
        shape = Qt::SizeBDiagCursor;
    else if (edges & (Left | Right))
        shape = Qt::SizeHorCursor;
    else if (edges & (Top | Bottom))
        shape = Qt::SizeVerCursor;
    if (m_cursor.shape() != shape) {
        m_cursor = shape;
        Q_EMIT cursorChanged();
    }
}

void BoxTool::press(const CanvasMouse& event)
{
    const Hit hit = hitTest(event.widgetPos);
    m_start = event.pos;
    ++m_dragSerial;
    if (hit.regionId) {
        document()->setCurrentRegion(hit.regionId);
        m_mode = Mode::Editing;
        m_regionId = hit.regionId;
        m_edges = hit.edges;
        m_startBox = document()->currentRegion()->box;
        return;
    }
    m_mode = Mode::Creating;
    const Project& p = document()->project();
    const bool snap = !(event.modifiers & Qt::AltModifier);
    m_creating = Box{std::clamp(snapped(event.pos.x(), snap), 0, p.width),
                     std::clamp(snapped(event.pos.y(), snap), 0, p.height), 0, 0};
    Q_EMIT overlayChanged();
}

Box BoxTool::dragged(QPointF pos, bool snap) const
{
    const Project& p = document()->project();
    const QPointF delta = pos - m_start;
    const Box& b = m_startBox;
    // A wrap-around panorama has no left and right edge: boxes cross the seam.
    const bool circular = p.settings.circular;
    if (m_edges == Inside) {
        Box out = b;
        const int x = snapped(b.x + delta.x(), snap);
        out.x = circular ? (x % p.width + p.width) % p.width : std::clamp(x, 0, p.width - b.width);
        out.y = std::clamp(snapped(b.y + delta.y(), snap), 0, p.height - b.height);
        return out;
    }
    int left = b.x, top = b.y, right = b.x + b.width, bottom = b.y + b.height;
    if (m_edges & Left)
        left = std::clamp(snapped(b.x + delta.x(), snap), 0, right - minSize);
    if (m_edges & Right)
        right = std::clamp(snapped(right + delta.x(), snap), left + minSize,
                           circular ? left + p.width : p.width);
    if (m_edges & Top)
        top = std::clamp(snapped(b.y + delta.y(), snap), 0, bottom - minSize);
    if (m_edges & Bottom)
        bottom = std::clamp(snapped(bottom + delta.y(), snap), top + minSize, p.height);
    return Box{left, top, right - left, bottom - top};
}

void BoxTool::move(const CanvasMouse& event)
{
    const bool snap = !(event.modifiers & Qt::AltModifier);
    if (m_mode == Mode::Idle) {
        setCursorFor(hitTest(event.widgetPos).edges);
        return;
    }
    if (m_mode == Mode::Editing) {
        document()->setBox(m_regionId, dragged(event.pos, snap), m_dragSerial);
        return;
    }
    const Project& p = document()->project();
    const int x = std::clamp(snapped(event.pos.x(), snap), 0, p.width);
    const int y = std::clamp(snapped(event.pos.y(), snap), 0, p.height);
    const int x0 = std::clamp(snapped(m_start.x(), snap), 0, p.width);
    const int y0 = std::clamp(snapped(m_start.y(), snap), 0, p.height);
    m_creating = Box{std::min(x, x0), std::min(y, y0), std::abs(x - x0), std::abs(y - y0)};
    Q_EMIT overlayChanged();
}

void BoxTool::release(const CanvasMouse& event)
{
    move(event);
    if (m_mode == Mode::Creating) {
        if (m_creating.width >= minSize && m_creating.height >= minSize)
            document()->addBoxRegion(m_creating);
        else
            Q_EMIT message(tr("Drag to draw a box region (at least %1×%1 pixels).").arg(minSize));
    }
    m_mode = Mode::Idle;
    m_regionId = 0;
    Q_EMIT overlayChanged();
}

void BoxTool::paintHandles(QPainter& painter, const QRectF& r, bool current)
{
    painter.setPen(QPen(QColor(20, 20, 20, current ? 255 : 150), 1));
    painter.setBrush(current ? QColor(Qt::white) : QColor(255, 255, 255, 140));
    const double h = current ? kHandle - 2.5 : kHandle - 3.5;
    for (double x : {r.left(), r.center().x(), r.right()})
        for (double y : {r.top(), r.center().y(), r.bottom()})
            if (!(x == r.center().x() && y == r.center().y()))
                painter.drawRect(QRectF(x - h, y - h, 2 * h, 2 * h));
}

void BoxTool::paintOverlay(QPainter& painter)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    if (m_mode == Mode::Creating) {
        const QRectF r = boxInWidget(m_creating);
        painter.setPen(QPen(QColor(255, 255, 255, 230), 1.5, Qt::DashLine));
        painter.setBrush(QColor(255, 255, 255, 40));
        painter.drawRect(r);
        painter.setPen(Qt::white);
        painter.drawText(r.bottomRight() + QPointF(6, 14),
                         QStringLiteral("%1 × %2").arg(m_creating.width).arg(m_creating.height));
    }
    // "Result only" hides the regions: no handles floating over the picture, except while
    // a box is being dragged.
    const bool regionsShown =
        !view() || view()->previewMode() != PreviewMode::ResultOnly || m_mode != Mode::Idle;
    const ProjectRegion* current = document()->currentRegion();
    if (regionsShown) {
        // Handles on every visible box: solid on the current one, faint on the others.
        for (const ProjectRegion& region : document()->project().regions)
            if (region.kind == RegionKind::Box && region.visible && &region != current)
                for (const QRectF& part : partsInWidget(region.box))
                    paintHandles(painter, part, false);
    }
    if (regionsShown && current && current->kind == RegionKind::Box && current->visible) {
        const QRectF r = boxInWidget(current->box);
        for (const QRectF& part : partsInWidget(current->box))
            paintHandles(painter, part, true);
        if (m_mode == Mode::Editing) {
            const Box& b = current->box;
            painter.setPen(Qt::white);
            painter.drawText(
                r.bottomRight() + QPointF(8, 16),
                QStringLiteral("%1, %2  %3 × %4").arg(b.x).arg(b.y).arg(b.width).arg(b.height));
        }
    }
    painter.restore();
}

} // namespace md

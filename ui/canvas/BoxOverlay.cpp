#include "ui/canvas/BoxOverlay.h"

#include "ui/canvas/CanvasView.h"

#include <QPainter>
#include <algorithm>

namespace md {

namespace {
QColor toQColor(const Colour& c)
{
    return QColor(c.r, c.g, c.b);
}
} // namespace

QList<QRectF> BoxOverlay::partsInWidget(const CanvasView& view, const Box& box, int canvasWidth)
{
    const double zoom = view.zoom();
    const QRectF r(view.canvasToWidget(QPointF(box.x, box.y)),
                   QSizeF(box.width * zoom, box.height * zoom));
    if (!wraps(box, canvasWidth))
        return {r};
    return {r, r.translated(-canvasWidth * zoom, 0)};
}

void BoxOverlay::paintFill(QPainter& painter, const CanvasView& view, const ProjectRegion& box,
                           int canvasWidth)
{
    QColor fill = toQColor(box.colour);
    fill.setAlphaF(0.6);
    for (const QRectF& part : partsInWidget(view, box.box, canvasWidth))
        painter.fillRect(part, fill);
}

void BoxOverlay::paintOutlines(QPainter& painter, const CanvasView& view, const Project& project,
                               std::uint32_t currentId)
{
    QFont font = painter.font();
    font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.9));
    painter.setFont(font);
    for (const ProjectRegion& region : project.regions) {
        if (!region.visible || region.kind != RegionKind::Box)
            continue;
        const bool current = region.id == currentId;
        const QString name = QString::fromStdString(region.name);
        for (const QRectF& box : partsInWidget(view, region.box, project.width)) {
            painter.setPen(QPen(toQColor(region.colour), current ? 2.5 : 1.5,
                                current ? Qt::SolidLine : Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5));
            const QRectF tag =
                painter.fontMetrics()
                    .boundingRect(name)
                    .adjusted(-5, -2, 5, 2)
                    .translated(box.topLeft().toPoint() -
                                painter.fontMetrics().boundingRect(name).topLeft() + QPoint(5, 4));
            if (tag.width() < box.width() && tag.height() < box.height()) {
                painter.setPen(Qt::NoPen);
                painter.setBrush(toQColor(region.colour));
                painter.drawRoundedRect(tag.adjusted(-2, -1, 2, 1), 3, 3);
                painter.setPen(Qt::white);
                painter.drawText(tag, Qt::AlignCenter, name);
            }
        }
    }
}

} // namespace md

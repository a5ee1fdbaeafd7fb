#include "ui/canvas/CanvasNotes.h"

#include <QFontMetricsF>
#include <QPainter>

namespace md {

void CanvasNotes::paintHint(QPainter& painter, const QRectF& canvas, const QString& text)
{
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 1.05);
    painter.save();
    painter.setFont(font);
    const QRectF bounds = painter.fontMetrics().boundingRect(
        canvas.toRect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, text);
    if (bounds.width() + 40 < canvas.width() && bounds.height() + 30 < canvas.height()) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(20, 21, 24, 200));
        painter.drawRoundedRect(bounds.adjusted(-18, -12, 18, 12), 8, 8);
        painter.setPen(QColor(200, 204, 210));
        painter.drawText(bounds, Qt::AlignCenter | Qt::TextWordWrap, text);
    }
    painter.restore();
}

void CanvasNotes::paintBadge(QPainter& painter, const QRectF& canvas, const QString& text)
{
    if (text.isEmpty())
        return;
    painter.save();
    const QFontMetricsF fm(painter.font());
    const QRectF box(canvas.left() + 10, canvas.top() + 10, fm.horizontalAdvance(text) + 20,
                     fm.height() + 10);
    if (box.right() < canvas.right() - 10 && box.bottom() < canvas.bottom() - 10) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(20, 21, 24, 190));
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2);
        painter.setPen(QColor(226, 230, 236));
        painter.drawText(box, Qt::AlignCenter, text);
    }
    painter.restore();
}

} // namespace md

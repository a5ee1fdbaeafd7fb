#pragma once

// Text the canvas shows over the picture: the first-steps hint on an empty canvas (centred)
// and a badge in the canvas's top-left corner (e.g. "Live preview · step 7 / 20", so a
// preview is never taken for the result).

#include <QRectF>
#include <QString>

class QPainter;

namespace md {

class CanvasNotes
{
public:
    // Drawn only if it fits inside `canvas` (widget coordinates).
    static void paintHint(QPainter& painter, const QRectF& canvas, const QString& text);
    static void paintBadge(QPainter& painter, const QRectF& canvas, const QString& text);
};

} // namespace md

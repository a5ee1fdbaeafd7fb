#pragma once

// Box regions on the canvas: where a box lies in widget pixels (two rectangles when it crosses
// the wrap seam of a circular panorama: the part up to the right edge and the part continued
// from the left edge), and its outline and name tag.

#include "document/Project.h"

#include <QList>
#include <QRectF>

class QPainter;

namespace md {

class CanvasView;

class BoxOverlay
{
public:
    // The box in widget pixels; a box reaching past the right edge also shows at the left.
    static QList<QRectF> partsInWidget(const CanvasView& view, const Box& box, int canvasWidth);
    static bool wraps(const Box& box, int canvasWidth) { return box.x + box.width > canvasWidth; }
    // A box region's translucent fill.
    static void paintFill(QPainter& painter, const CanvasView& view, const ProjectRegion& box,
                          int canvasWidth);
    // Outlines (solid for the current box) and name tags.
    static void paintOutlines(QPainter& painter, const CanvasView& view, const Project& project,
                              std::uint32_t currentId);
};

} // namespace md

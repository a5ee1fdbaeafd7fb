#pragma once

// The paint layers as pictures: a layer as a QImage (for drawing), the visible layers
// composited over white (the start image of "Start from: paint layers") or over the shown
// result (the colour picker), and an imported picture fitted onto the canvas as a layer.

#include "document/Project.h"

#include <QColor>
#include <QImage>
#include <QPoint>

namespace md {

// A view of the layer's pixels (no copy): valid while the layer is unchanged.
QImage paintLayerView(const PaintLayer& layer);
// The visible layers, bottom first, at their opacity, over `base` (scaled to the canvas)
// or over white when `base` is null. Canvas-sized RGB.
QImage composeLayersOver(const Project& project, const QImage& base = QImage());
RgbImage composeLayersRgb(const Project& project);
// The colour of composeLayersOver(project, base) at one canvas pixel (without composing it all).
QColor composedColourAt(const Project& project, const QImage& base, QPoint pos);
// `image` scaled to fit a width x height canvas (proportions kept, centred, transparent
// around it), as straight-alpha RGBA.
RgbaImage fitToCanvas(const QImage& image, int width, int height);

// Canvas resizes: `image` scaled to width x height (transparent when it is empty), or kept
// at its size with its top-left corner at (dx, dy) of a width x height one (the rest
// transparent).
RgbaImage scaledRgba(const RgbaImage& image, int width, int height);
RgbaImage anchoredRgba(const RgbaImage& image, int width, int height, int dx, int dy);

} // namespace md

#pragma once

// The paint layers as pictures: a layer as a QImage (for drawing), the colour the picker
// takes (the layers over the shown result), an imported picture fitted onto the canvas as
// a layer, and layers following a canvas resize. (composeLayers in document/PaintLayers.h
// makes the start image.)

#include "document/Project.h"

#include <QColor>
#include <QImage>
#include <QPoint>

namespace md {

// A view of the layer's pixels (no copy): valid while the layer is unchanged.
QImage paintLayerView(const PaintLayer& layer);
// The colour at one canvas pixel of the visible layers, bottom first, at their opacity, over
// `base` (scaled to the canvas) or over white when `base` is null.
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

#pragma once

// Conversions between the engine's plain image types and QImage.

#include "engine/EngineTypes.h"

#include <QColor>
#include <QImage>
#include <QRect>

namespace md {

QImage toQImage(const RgbImage& image);
RgbImage toRgbImage(const QImage& image);

// A mask as an 8-bit grayscale image (white = inside).
QImage maskToGray(const MaskImage& mask);
// A mask from an image: its alpha channel when the image has real transparency, otherwise
// its luminance; scaled (smoothly) to width x height when the sizes differ.
MaskImage maskFromImage(const QImage& image, int width, int height);

// Writes the colour overlay of `mask` inside `rect` into `overlay` (ARGB32 premultiplied,
// mask-sized): colour with alpha = mask value. The caller applies the global opacity.
void paintMaskOverlay(const MaskImage& mask, const QColor& colour, const QRect& rect,
                      QImage& overlay);

// Writes the outline of `mask` (pixels on either side of the 50 % level, so 2 px wide) in
// `colour` inside `rect` into `edges` (ARGB32 premultiplied, mask-sized); clears the rest.
void paintMaskEdges(const MaskImage& mask, const QColor& colour, const QRect& rect, QImage& edges);

} // namespace md

#pragma once

// Paint layers (Project::paintLayers): the artist's colour sketch and imported images, as the
// start image of a generation (GenerationSettings::start == StartImage::Layers).

#include "document/Project.h"

#include <cstdint>

namespace md {

// The visible paint layers, bottom first, over white: each pixel's straight alpha times the
// layer's opacity blends its colour over what lies below. No layers: a white canvas. Layers
// that are not canvas-sized (validate() refuses them) are left out.
RgbImage composeLayers(const Project& project);

// A transparent canvas-sized layer with id nextPaintLayerId(project).
PaintLayer blankPaintLayer(const Project& project, const std::string& name);
// An opaque layer holding `image` (canvas-sized), e.g. an imported picture.
PaintLayer imagePaintLayer(const Project& project, const RgbImage& image, const std::string& name);
std::uint32_t nextPaintLayerId(const Project& project); // max id + 1

} // namespace md

#include "document/PaintLayers.h"

#include <algorithm>
#include <cmath>

namespace md {

RgbImage composeLayers(const Project& project)
{
    const std::size_t pixels =
        std::size_t(std::max(0, project.width)) * std::size_t(std::max(0, project.height));
    std::vector<float> rgb(pixels * 3, 255.f);
    for (const PaintLayer& layer : project.paintLayers) {
        const RgbaImage& img = layer.pixels;
        if (!layer.visible || img.width != project.width || img.height != project.height ||
            img.pixels.size() != pixels * 4)
            continue;
        const float opacity =
            std::isfinite(layer.opacity) ? std::clamp(layer.opacity, 0.f, 1.f) : 0.f;
        if (opacity <= 0.f)
            continue;
        for (std::size_t i = 0; i < pixels; ++i) {
            const std::uint8_t* src = img.pixels.data() + i * 4;
            const float a = float(src[3]) / 255.f * opacity;
            if (a <= 0.f)
                continue;
            float* dst = rgb.data() + i * 3;
            for (int c = 0; c < 3; ++c)
                dst[c] = dst[c] * (1.f - a) + float(src[c]) * a;
        }
    }
    RgbImage out;
    out.width = project.width;
    out.height = project.height;
    out.pixels.resize(rgb.size());
    for (std::size_t i = 0; i < rgb.size(); ++i)
        out.pixels[i] = std::uint8_t(std::lround(std::clamp(rgb[i], 0.f, 255.f)));
    return out;
}

std::uint32_t nextPaintLayerId(const Project& project)
{
    std::uint32_t maxId = 0;
    for (const PaintLayer& l : project.paintLayers)
        maxId = std::max(maxId, l.id);
    return maxId + 1;
}

PaintLayer blankPaintLayer(const Project& project, const std::string& name)
{
    PaintLayer layer;
    layer.id = nextPaintLayerId(project);
    layer.name = name;
    layer.pixels.width = project.width;
    layer.pixels.height = project.height;
    layer.pixels.pixels.assign(
        std::size_t(std::max(0, project.width)) * std::size_t(std::max(0, project.height)) * 4, 0);
    return layer;
}

PaintLayer imagePaintLayer(const Project& project, const RgbImage& image, const std::string& name)
{
    PaintLayer layer = blankPaintLayer(project, name);
    if (image.width != project.width || image.height != project.height ||
        image.pixels.size() * 4 != layer.pixels.pixels.size() * 3)
        return layer;
    for (std::size_t i = 0, n = image.pixels.size() / 3; i < n; ++i) {
        std::copy_n(image.pixels.data() + i * 3, 3, layer.pixels.pixels.data() + i * 4);
        layer.pixels.pixels[i * 4 + 3] = 255;
    }
    return layer;
}

} // namespace md

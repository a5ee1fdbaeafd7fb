#include "document/CanvasPresets.h"

#include "engine/EngineTypes.h"

#include <algorithm>

namespace md {

namespace {

// The SD 1.x list at native 512 x 512.
const CanvasPreset kSd1Presets[] = {
    {CanvasShape::Square, 512, 512},    {CanvasShape::Landscape, 768, 512},
    {CanvasShape::Portrait, 512, 768},  {CanvasShape::Wide, 1024, 512},
    {CanvasShape::Panorama, 2048, 512}, {CanvasShape::Panorama, 4096, 512},
    {CanvasShape::Tall, 512, 2048},     {CanvasShape::Large, 1024, 1024},
};

// Scales a side from the 512 base to `native`, keeping a multiple of 8 inside the limits.
int scaled(int side, int native)
{
    const long long v =
        (static_cast<long long>(side) * native / 512) / kCanvasMultiple * kCanvasMultiple;
    return int(std::clamp<long long>(v, kMinCanvasSize, kMaxCanvasSize));
}

} // namespace

std::vector<CanvasPreset> sdxlBuckets()
{
    std::vector<CanvasPreset> out{{CanvasShape::Square, 1024, 1024}};
    const int landscape[][2] = {{1152, 896}, {1216, 832}, {1344, 768}, {1536, 640}};
    for (const auto& b : landscape) {
        const bool wide = b[0] * 10 > b[1] * 16; // wider than 16:10
        out.push_back({wide ? CanvasShape::Wide : CanvasShape::Landscape, b[0], b[1]});
        out.push_back({wide ? CanvasShape::Tall : CanvasShape::Portrait, b[1], b[0]});
    }
    return out;
}

std::vector<CanvasPreset> canvasPresets(const std::string& family, int nativeWidth,
                                        int nativeHeight)
{
    if (family == "SDXL") {
        std::vector<CanvasPreset> out = sdxlBuckets();
        out.push_back({CanvasShape::Panorama, 2048, 1024});
        out.push_back({CanvasShape::Panorama, 4096, 1024});
        return out;
    }
    const int w = nativeWidth > 0 ? nativeWidth : 512;
    const int h = nativeHeight > 0 ? nativeHeight : 512;
    std::vector<CanvasPreset> out;
    for (const CanvasPreset& p : kSd1Presets)
        out.push_back({p.shape, scaled(p.width, w), scaled(p.height, h)});
    return out;
}

} // namespace md

#pragma once

// The canvas sizes the app offers for a model: they follow the model's native size. SDXL
// (native 1024) gets the aspect-ratio buckets it was trained on, 1024x1024, 1152x896,
// 1216x832, 1344x768, 1536x640 and their transposes, then MultiDiffusion panoramas at its
// native height; every other model gets the SD 1.x list (512x512, 768x512, ..., panoramas)
// scaled to its native size, so a 512 model keeps exactly that list.

#include <string>
#include <vector>

namespace md {

// What kind of canvas a preset is; the app names it (translated) before the size.
enum class CanvasShape { Square, Landscape, Portrait, Wide, Panorama, Tall, Large };

struct CanvasPreset
{
    CanvasShape shape = CanvasShape::Square;
    int width = 512;
    int height = 512;
};

// The presets for a model of `family` (ModelInfo::family, "SDXL", "SD 1.x", ...) whose native
// size is nativeWidth x nativeHeight; the first one is the native (square) canvas.
std::vector<CanvasPreset> canvasPresets(const std::string& family, int nativeWidth,
                                        int nativeHeight);

// SDXL's aspect-ratio buckets alone, square first, each landscape bucket before its transpose.
std::vector<CanvasPreset> sdxlBuckets();

} // namespace md

#pragma once

// Upscaling a result with its regions (hires fix; Tiled Diffusion's MultiDiffusion upscale):
// the result is resized (OpenCV Lanczos) to the canvas times a factor and becomes the start
// image of an img2img pass over the larger canvas, every region's mask and box scaled along,
// the window left at the model's native size so MultiDiffusion's views tile the canvas.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

namespace md {

// Hires fix / Tiled Diffusion's usual denoising strength for the upscaling pass.
constexpr float kDefaultUpscaleStrength = 0.35f;

// round(side * factor) to the nearest multiple of 8 (at least 8).
int upscaledSide(int side, double factor);

// Whether an image of `width` x `height` can be the result of upscaling a `canvasWidth` x
// `canvasHeight` canvas by `factor` (in [kMinUpscale, kMaxUpscale]): sides multiples of 8,
// at most kMaxCanvasSize, each within 8 px of the side times the factor (an upscale of an
// upscale rounds twice). Factor 1: exactly the canvas. `what` starts the message.
Status checkUpscaledSize(int canvasWidth, int canvasHeight, double factor, int width, int height,
                         const std::string& what);

// The request that upscales `result`, made by `made` (so `result` is made.width x
// made.height): canvas upscaledSide(side, factor); initImage the result resized with
// Lanczos; masks resized (bilinear, clamped to [0, 1]), boxes and featherPx scaled; no
// reroll mask; the seed, prompts, region seeds, steps and sampler kept; `strength`.
Result<GenerateRequest> upscaleRequest(const GenerateRequest& made, const RgbImage& result,
                                       double factor, float strength = kDefaultUpscaleStrength);

// The image resized to width x height with OpenCV's Lanczos (INTER_LANCZOS4).
RgbImage resizeLanczos(const RgbImage& image, int width, int height);
// The mask resized with bilinear interpolation, values clamped to [0, 1].
MaskImage resizeMask(const MaskImage& mask, int width, int height);

} // namespace md

#pragma once

// The reroll selection (GenerateRequest::rerollMask, 1 = regenerate) at the sizes it is used
// at, as diffusers' StableDiffusionInpaintPipeline prepares its mask:
//   - latent [1, 1, h, w]: the keep-blend after every step. featherPx 0: binarized at 0.5
//     and sampled at pixel (f*i, f*j) (nearest), as diffusers; else feathered and
//     area-averaged (fusion/RegionWeights' soft maps);
//   - pixels [1, 1, H, W]: the final composite, out = init * (1 - M) + decoded * M.
//     featherPx 0: binarized at 0.5; else feathered. Where M is 0, the result is the start
//     image exactly;
//   - keep [1, 1, H, W]: 1 where the mask is below 0.5 (diffusers' masked image, the extra
//     UNet input of 9-channel inpainting models, is init * keep).
// All on the CPU, float32.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <torch/types.h>

namespace md {

class RerollMask
{
public:
    // The mask must be canvas-sized (width x height); values are clamped to [0, 1].
    static Result<RerollMask> build(const MaskImage& mask, int width, int height, int latentFactor,
                                    float featherPx);

    const torch::Tensor& latent() const { return m_latent; }
    const torch::Tensor& pixels() const { return m_pixels; }
    const torch::Tensor& keep() const { return m_keep; }

private:
    torch::Tensor m_latent;
    torch::Tensor m_pixels;
    torch::Tensor m_keep;
};

} // namespace md

#include "engine/pipeline/RerollMask.h"

#include "engine/fusion/RegionWeights.h"

#include <torch/torch.h>

namespace md {

Result<RerollMask> RerollMask::build(const MaskImage& mask, int width, int height, int latentFactor,
                                     float featherPx)
{
    Region region;
    region.mask = mask;
    auto canvas = RegionWeights::canvasMask(region, width, height);
    if (!canvas)
        return canvas.status().withContext("the reroll mask");
    const torch::Tensor raw = canvas.value();
    RerollMask out;
    out.m_latent =
        RegionWeights::toLatent(raw, height / latentFactor, width / latentFactor, featherPx);
    out.m_pixels = featherPx > 0.f ? RegionWeights::feathered(raw, featherPx)
                                   : (raw >= 0.5f).to(torch::kFloat32);
    out.m_keep = (raw < 0.5f).to(torch::kFloat32);
    return out;
}

} // namespace md

#include "engine/pipeline/RegionSeeds.h"

#include "engine/fusion/RegionWeights.h"
#include "engine/sampling/Rng.h"

#include <torch/torch.h>

namespace md {

bool RegionSeeds::any(const std::vector<Region>& regions)
{
    for (const Region& region : regions)
        if (region.seed)
            return true;
    return false;
}

Result<torch::Tensor> RegionSeeds::apply(const torch::Tensor& noise,
                                         const std::vector<Region>& regions, int width, int height)
{
    if (!any(regions))
        return noise;
    const int64_t h = noise.size(2);
    const int64_t w = noise.size(3);
    auto out = noise.clone();
    for (size_t i = 0; i < regions.size(); ++i) {
        const Region& region = regions[i];
        if (!region.seed)
            continue;
        auto canvas = RegionWeights::canvasMask(region, width, height);
        if (!canvas)
            return canvas.status().withContext("region " + std::to_string(i + 1));
        const auto inside = RegionWeights::toLatent(canvas.value(), static_cast<int>(h),
                                                    static_cast<int>(w), 0.f) > 0.5f;
        Rng own(*region.seed);
        out = torch::where(inside, own.randn(noise.sizes()), out);
    }
    return out;
}

} // namespace md

#pragma once

// Region seeds (Region::seed): a region with its own seed takes its start noise, inside its
// hard mask on the latent grid (the fusion's featherPx-0 map: thresholded at 0.5, nearest),
// from Rng(seed).randn of the whole latent's shape instead of the request's noise. Later
// regions lie over earlier ones. The request's generator is not involved, so a request
// without region seeds draws exactly what it drew before, and changing one region's seed
// changes the start noise inside that region only.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <torch/types.h>
#include <vector>

namespace md {

class RegionSeeds
{
public:
    static bool any(const std::vector<Region>& regions);
    // noise [1, C, h, w] (CPU, unit variance) of a width x height canvas -> the same with the
    // seeded regions' own noise inside them. Unchanged (the same tensor) when no region has
    // a seed.
    static Result<torch::Tensor> apply(const torch::Tensor& noise,
                                       const std::vector<Region>& regions, int width, int height);
};

} // namespace md

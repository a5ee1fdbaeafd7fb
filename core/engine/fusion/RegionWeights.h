#pragma once

// Per-prompt fusion weights on the latent grid: index 0 is the background prompt, then one
// map per region, [N, 1, h, w].
//
// Reference semantics (omerbt/MultiDiffusion region_based.py) when featherPx == 0: each
// mask is thresholded at 0.5 at full resolution, downsampled to the latent grid by nearest
// neighbour, and the background gets clamp(1 - sum(foregrounds), 0). A region's strength
// multiplies its map, and the background is computed from the strengthened maps, so a
// strength below 1 lets the background show through and above 1 wins overlaps.
// With featherPx > 0 the painted values are kept soft, blurred by about featherPx canvas
// pixels and area-averaged onto the latent grid, for soft transitions between regions.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <torch/torch.h>
#include <vector>

namespace md {

struct RegionMaps
{
    torch::Tensor weights;  // [N, 1, h, w]: fusion weights, background first
    torch::Tensor coverage; // [N-1, 1, h, w]: each region's mask before strength (bootstrapping)
};

class RegionWeights
{
public:
    // Builds the maps for a canvas of width x height pixels with the given latent factor.
    static Result<RegionMaps> build(const std::vector<Region>& regions, int width, int height,
                                    int latentFactor, float featherPx);

    // A region's coverage at canvas resolution, [1, 1, H, W] float in [0, 1] (a box is
    // rasterised, a mask is checked against the canvas size).
    static Result<torch::Tensor> canvasMask(const Region& region, int width, int height);

    // A canvas mask [1, 1, H, W] softened by about featherPx canvas pixels (two box blurs);
    // the mask itself when featherPx <= 0. Where the blur sees no mask, values stay exactly 0.
    static torch::Tensor feathered(const torch::Tensor& canvasMask, float featherPx);
    // A canvas mask on the latent grid [1, 1, h, w] as the fusion weights use it: featherPx
    // 0: thresholded at 0.5, nearest samples (pixel (f*i, f*j)); else feathered and
    // area-averaged.
    static torch::Tensor toLatent(const torch::Tensor& canvasMask, int h, int w, float featherPx);
};

} // namespace md

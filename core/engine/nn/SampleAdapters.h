#pragma once

// The per-sample side of LowRankAdapter.h (AdapterScales made from rows): one call whose
// samples use different LoRA sets. Stacked kernel: the layer's stacked adapters
// (StackedAdapters.h) run as one down product, a multiply by each sample's scale row and one
// up product. The adapters outside the stack (all of them with the gathered kernel; CP mids,
// DoRA, a stale stack) run one by one on the rows of the samples that use them (all rows
// when every sample does), each sample weighted by its own weight (DoRA: per group of
// samples sharing a weight, its factor depending on it).
// Sample b's result equals the uniform call with AdapterScales(rows[b]) on sample b alone.

#include "engine/nn/LowRankAdapter.h"

#include <cstdint>
#include <torch/types.h>
#include <vector>

namespace md::nn {

struct StackedAdapters;

struct LayerGeometry
{
    bool conv = false; // Conv2d (x [B, in, H, W]); otherwise Linear (x [B, ..., in])
    int64_t stride = 1;
    int64_t padding = 0;
};

torch::Tensor addAdaptersPerSample(const torch::Tensor& x, const torch::Tensor& base,
                                   const torch::Tensor& weight, const torch::Tensor& bias,
                                   const std::vector<LowRankAdapter>& adapters,
                                   const StackedAdapters* stacked, const LayerGeometry& geometry);

} // namespace md::nn

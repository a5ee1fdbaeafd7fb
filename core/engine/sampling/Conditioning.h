#pragma once

// What the UNet is conditioned on, shared by the denoisers and the pipeline.
//   TextEncoding:     one prompt's encoding: the context [1, L, D] and, for SDXL, the pooled
//                     vector [1, P] (text_encoder_2's projected EOS state).
//   UNetConditioning: a batch's: context [B, L, D], and for SDXL pooled [B, P] and
//                     add_time_ids [B, 6] (original H, W, crop top, left, target H, W in
//                     pixels); pooled and timeIds are undefined for SD 1.x / 2.x.

#include <functional>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md {

struct TextEncoding
{
    TextEncoding() = default;
    // Implicit: an SD 1.x / 2.x encoding is just its context.
    TextEncoding(torch::Tensor contextStates, torch::Tensor pooledVector = {})
        : context(std::move(contextStates)), pooled(std::move(pooledVector))
    {
    }
    torch::Tensor context;
    torch::Tensor pooled;
    bool defined() const { return context.defined(); }
};

struct UNetConditioning
{
    torch::Tensor context;
    torch::Tensor pooled;
    torch::Tensor timeIds;
    // The UNet LoRA weight of each adapter slot for the whole call (nn::AdapterScales, which
    // the pipeline's UNet function activates; trailing zeros trimmed); empty: no LoRA.
    std::vector<float> adapterWeights = {};
    // A call that mixes LoRA sets: the weights of each sample (one row per sample of the
    // batch, in its order), used instead of adapterWeights when not empty (the layers run
    // their stacked adapters with per-sample scales: nn/StackedAdapters.h).
    std::vector<std::vector<float>> sampleAdapterWeights = {};
    // The same rows as a [B, slots] float32 tensor on the device, made once by the caller
    // (undefined: made from the rows, a host copy per call).
    torch::Tensor sampleAdapterTensor = {};
};

// The model: (scaled input [B,C,h,w], timestep [B], conditioning) -> output [B,C,h,w].
using UNetFunction = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&,
                                                 const UNetConditioning&)>;

// SDXL's add_time_ids of a whole image (or of one MultiDiffusion view): its size in pixels,
// no crop: [count, 6] float32 = (h, w, 0, 0, h, w) per row.
inline torch::Tensor sizeTimeIds(int64_t heightPx, int64_t widthPx, int64_t count = 1)
{
    const auto h = static_cast<float>(heightPx);
    const auto w = static_cast<float>(widthPx);
    return torch::tensor({h, w, 0.0f, 0.0f, h, w}, torch::kFloat32).view({1, 6}).repeat({count, 1});
}

} // namespace md

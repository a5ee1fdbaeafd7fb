#pragma once

// The pipeline's UNet call: the call's LoRA scales (nn::AdapterScales: one set for the
// whole call, or one row per sample when the call mixes sets) around the model's UNet,
// through the session's CUDA graphs where they pay: on a CUDA device, for batches of at most
// kGraphLatentPixels latent pixels (SD 1.5 at 512x512: 16 samples; SDXL at 1024x1024: 4),
// where a call is launch-bound. Larger batches are compute-bound (a graph would save little
// and keep its activations' memory), so they run eagerly.
//
// A graph's key names what the call reads besides its tensors: which conditioning tensors it
// has, the LoRA weights (uniform: baked into the kernels as scalars; per sample: the rows,
// also copied in as a tensor) and the per-sample kernel. Replayed calls give the same
// numbers as eager ones (the same kernels on the same inputs).

#include "engine/nn/LowRankAdapter.h"
#include "engine/sampling/Conditioning.h"

#include <string>
#include <torch/types.h>

namespace md {

class CudaGraphCache;
class StableDiffusionModel;

class GraphedUNet
{
public:
    static constexpr int64_t kGraphLatentPixels = 16 * 64 * 64;

    GraphedUNet(StableDiffusionModel& model, CudaGraphCache& graphs,
                nn::SampleLoraKernel sampleLoraKernel);

    torch::Tensor operator()(const torch::Tensor& sample, const torch::Tensor& timestep,
                             const UNetConditioning& conditioning);

    // Whether a call on `sample` ([B, C, h, w]) goes through the graphs.
    static bool worthGraphing(const torch::Tensor& sample);

private:
    // What the call reads besides its tensors (the cache adds their shapes and dtypes).
    std::string graphKey(const UNetConditioning& c) const;

    StableDiffusionModel& m_model;
    CudaGraphCache& m_graphs;
    nn::SampleLoraKernel m_sampleLoraKernel;
};

} // namespace md

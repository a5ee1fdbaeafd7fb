#pragma once

// A minimal DDIM sampler with classifier-free guidance (and a minimal LCM sampler) for the
// trainers' sample grids and tests (the engine's own samplers live in sampling/; this one has no
// dependency on them).

#include "engine/nn/AutoencoderKL.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"
#include "training/CaptionTokenizer.h"
#include "training/NoisingProcess.h"

#include <string>
#include <vector>

namespace md {

struct PreviewModel
{
    nn::UNet2DConditionModel unet{nullptr};
    nn::ClipTextModel text{nullptr};
    nn::AutoencoderKL vae{nullptr};
    const CaptionTokenizer* tokenizer = nullptr;
    const NoisingProcess* noising = nullptr;
    double scalingFactor = 1.0;
    int latentSize = 64;
};

class PreviewSampler
{
public:
    // Images [B, 3, H, W] in [-1, 1], one per prompt; "leading" timesteps, eta 0.
    static torch::Tensor sample(PreviewModel model, const std::vector<std::string>& prompts,
                                int steps, double cfg, uint64_t seed);
    // The same with a consistency (LCM-distilled) UNet: the LCM sampler's schedule (`steps`
    // of the 50 distillation points from the top: 999, 759, 499, 259 for 4), CFG 1, the
    // consistency output c_skip x + c_out x0 at each point, re-noised with fresh noise
    // between points.
    static torch::Tensor sampleLcm(PreviewModel model, const std::vector<std::string>& prompts,
                                   int steps, uint64_t seed);
};

} // namespace md

#pragma once

// A minimal DDIM sampler with classifier-free guidance for the trainer's sample grids and
// tests (the engine's own samplers live in sampling/; this one has no dependency on them).

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
};

} // namespace md

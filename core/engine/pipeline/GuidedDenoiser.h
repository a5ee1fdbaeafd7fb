#pragma once

// One prompt with classifier-free guidance, as diffusers' StableDiffusionPipeline does it:
// one UNet call on cat([x, x]) with context cat([uncond, cond]), then
// eps = u + cfg * (c - u). With cfg <= 1 only the conditional half runs (no guidance).

#include "engine/fusion/FusedDenoiser.h"
#include "engine/sampling/Denoiser.h"

#include <atomic>
#include <functional>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md {

class Sampler;

class GuidedDenoiser : public Denoiser
{
public:
    // cond, uncond: [1, L, D] of equal L (+ pooled [1, P] each for SDXL); timeIds: [1, 6] for
    // SDXL (the image's add_time_ids), else undefined.
    GuidedDenoiser(const Sampler& sampler, UNetFunction unet, const TextEncoding& cond,
                   const TextEncoding& uncond, float cfg, const std::atomic<bool>* cancel = nullptr,
                   torch::Tensor timeIds = {});

    // Inpainting models (9-channel UNet): the channels appended to the scaled latents of every
    // UNet input, [1, E, h, w] at the latent size (E = 5: the mask and the masked image's
    // latents; pipeline/InpaintChannels builds them), as diffusers'
    //     cat([scheduler.scale_model_input(x, t), mask, masked_image_latents], dim=1)
    // (the sampler's input scaling applies to the latents only). Repeated for every sample
    // and for the uncond and cond halves. Undefined (the default): the latents alone.
    void setExtraChannels(torch::Tensor extra) { m_extra = std::move(extra); }

    // The UNet LoRA weights of every call (UNetConditioning::adapterWeights; empty: none).
    void setAdapterWeights(std::vector<float> weights) { m_adapterWeights = std::move(weights); }

    torch::Tensor predict(const torch::Tensor& x, int stepIndex) override;

    bool guided() const { return m_cfg > 1.0f; }

private:
    const Sampler& m_sampler;
    UNetFunction m_unet;
    torch::Tensor m_context; // [2, L, D] uncond first, or [1, L, D] cond only
    torch::Tensor m_pooled;  // [2, P] / [1, P] (SDXL) or undefined
    torch::Tensor m_timeIds; // [1, 6] (SDXL) or undefined
    torch::Tensor m_extra;   // [1, E, h, w] (inpainting models) or undefined
    std::vector<float> m_adapterWeights;
    float m_cfg;
    const std::atomic<bool>* m_cancel;
};

} // namespace md

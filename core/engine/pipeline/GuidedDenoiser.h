#pragma once

// One prompt with classifier-free guidance, as diffusers' StableDiffusionPipeline does it:
// one UNet call on cat([x, x]) with context cat([uncond, cond]), then
// eps = u + cfg * (c - u). With cfg <= 1 only the conditional half runs (no guidance).

#include "engine/fusion/FusedDenoiser.h"
#include "engine/sampling/Denoiser.h"

#include <atomic>
#include <functional>
#include <torch/types.h>

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

    torch::Tensor predict(const torch::Tensor& x, int stepIndex) override;

    bool guided() const { return m_cfg > 1.0f; }

private:
    const Sampler& m_sampler;
    UNetFunction m_unet;
    torch::Tensor m_context; // [2, L, D] uncond first, or [1, L, D] cond only
    torch::Tensor m_pooled;  // [2, P] / [1, P] (SDXL) or undefined
    torch::Tensor m_timeIds; // [1, 6] (SDXL) or undefined
    float m_cfg;
    const std::atomic<bool>* m_cancel;
};

} // namespace md

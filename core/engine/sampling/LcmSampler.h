#pragma once

// The latent consistency sampler (diffusers LCMScheduler, Luo et al. 2023) for LCM-LoRA,
// LCM-distilled and other few-step checkpoints (1-8 steps). Works on the
// variance-preserving latent (init sigma 1, no input scaling), like DDIM.
//
// Timesteps: the distillation schedule of `originalSteps` (50) points t_k = k * (T / 50) - 1,
// k = 1..50, taken from the top at evenly spaced indices floor(i * 50 / steps); so 4 steps
// run 999, 759, 499, 259. Each step turns the model output into the consistency function's
// output
//     denoised = c_out(t) * x0(t) + c_skip(t) * x,   c_skip = s^2 / (u^2 + s^2),
//     c_out = u / sqrt(u^2 + s^2),  u = 10 t (timestep scaling), s = 0.5 (sigma_data)
// and, except at the last step, re-noises it to the next timestep with ONE fresh randn of
// the latent's shape (the seed contract: drawn after the step's model calls):
//     x_next = sqrt(abar_next) * denoised + sqrt(1 - abar_next) * noise
// After the last step x = denoised. With MultiDiffusion the fused model output goes in:
// fusion averages the views' epsilon (or v) per latent pixel, and since x0 and denoised are
// affine in it, that is the same as fusing the views' consistency outputs (see
// docs/multidiffusion.md).

#include "engine/sampling/Sampler.h"

namespace md {

class LcmSampler : public Sampler
{
public:
    // The distillation schedule's length (diffusers' original_inference_steps default).
    static constexpr int kOriginalSteps = 50;
    static constexpr double kTimestepScaling = 10.0;
    static constexpr double kSigmaData = 0.5;

    LcmSampler(const SchedulerConfig& config, PredictionType prediction);

    // Throws std::invalid_argument when steps > kOriginalSteps.
    void setTimesteps(int steps) override;
    double initNoiseSigma() const override { return 1.0; }
    torch::Tensor scaleModelInput(const torch::Tensor& x, int stepIndex) const override;
    torch::Tensor step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x,
                       Rng& rng) override;
    // The consistency output `denoised` (what the step returns at the last step).
    torch::Tensor predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                  const torch::Tensor& x) const override;
    torch::Tensor addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                           int stepIndex) const override;

private:
    float alphaBar(int stepIndex) const;
    torch::Tensor x0(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x) const;
};

} // namespace md

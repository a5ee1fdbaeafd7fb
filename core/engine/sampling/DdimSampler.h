#pragma once

// DDIM with eta = 0 (diffusers DDIMScheduler: timestep spacing leading / trailing /
// linspace, steps_offset, set_alpha_to_one, no clipping). Works on the variance-preserving
// latent: init sigma 1, no input scaling.

#include "engine/sampling/Sampler.h"

namespace md {

class DdimSampler : public Sampler
{
public:
    DdimSampler(const SchedulerConfig& config, PredictionType prediction);

    void setTimesteps(int steps) override;
    double initNoiseSigma() const override { return 1.0; }
    torch::Tensor scaleModelInput(const torch::Tensor& x, int stepIndex) const override;
    torch::Tensor step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x,
                       Rng& rng) override;
    torch::Tensor predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                  const torch::Tensor& x) const override;
    torch::Tensor addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                           int stepIndex) const override;

private:
    float alphaBarAt(int stepIndex) const;
    float alphaBarPrev(int stepIndex) const;
    // x0 and epsilon from the model output at step i.
    std::pair<torch::Tensor, torch::Tensor> split(const torch::Tensor& modelOutput, int stepIndex,
                                                  const torch::Tensor& x) const;
};

} // namespace md

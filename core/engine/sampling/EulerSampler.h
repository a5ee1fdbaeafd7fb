#pragma once

// Euler (diffusers EulerDiscreteScheduler, k-diffusion sample_euler without churn): sigmas
// interpolated linearly at the spaced timesteps, trailing sigma 0, x in the k-diffusion
// space (x = x0 + sigma * noise, model input x / sqrt(sigma^2 + 1)).

#include "engine/sampling/Sampler.h"

namespace md {

class EulerSampler : public Sampler
{
public:
    EulerSampler(const SchedulerConfig& config, PredictionType prediction);

    void setTimesteps(int steps) override;
    double initNoiseSigma() const override;
    torch::Tensor scaleModelInput(const torch::Tensor& x, int stepIndex) const override;
    torch::Tensor step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x,
                       Rng& rng) override;
    torch::Tensor predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                  const torch::Tensor& x) const override;
    torch::Tensor addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                           int stepIndex) const override;

protected:
    float sigmaAt(int stepIndex) const;
    float sigmaNext(int stepIndex) const;
};

} // namespace md

#include "engine/sampling/EulerAncestralSampler.h"

#include "engine/sampling/Rng.h"

#include <algorithm>
#include <cmath>
#include <torch/torch.h>

namespace md {

EulerAncestralSampler::EulerAncestralSampler(const SchedulerConfig& config,
                                             PredictionType prediction)
    : EulerSampler(config, prediction)
{
}

torch::Tensor EulerAncestralSampler::step(const torch::Tensor& modelOutput, int stepIndex,
                                          const torch::Tensor& x, Rng& rng)
{
    const float sigma = sigmaAt(stepIndex);
    const float sigmaTo = sigmaNext(stepIndex);
    const auto x0 = predictOriginal(modelOutput, stepIndex, x);
    const float sigmaUp =
        std::sqrt(sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo) / (sigma * sigma));
    const float sigmaDown = std::sqrt(std::max(0.0f, sigmaTo * sigmaTo - sigmaUp * sigmaUp));
    const auto derivative = (x - x0) / sigma;
    const float dt = sigmaDown - sigma;
    auto prev = x + derivative * dt;
    const auto noise = rng.randn(modelOutput.sizes()).to(x.device(), x.scalar_type());
    return prev + noise * sigmaUp;
}

} // namespace md

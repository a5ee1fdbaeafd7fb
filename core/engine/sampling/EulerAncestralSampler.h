#pragma once

// Euler ancestral (diffusers EulerAncestralDiscreteScheduler, eta 1): the Euler step down to
// sigma_down, then fresh noise times sigma_up, drawn from the request's generator after
// each step's model call (the seed contract's order).

#include "engine/sampling/EulerSampler.h"

namespace md {

class EulerAncestralSampler : public EulerSampler
{
public:
    EulerAncestralSampler(const SchedulerConfig& config, PredictionType prediction);

    torch::Tensor step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x,
                       Rng& rng) override;
};

} // namespace md

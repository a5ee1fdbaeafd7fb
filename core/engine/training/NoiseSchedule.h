#pragma once

// The training-time view of the DDPM noise schedule (cumulative alphas per timestep).

#include "engine/io/ModelConfig.h"

#include <torch/torch.h>

namespace md {

class NoiseSchedule
{
public:
    explicit NoiseSchedule(const SchedulerConfig& config, torch::Device device = torch::kCPU);

    int steps() const { return int(m_alphasCumprod.size(0)); }
    const torch::Tensor& alphasCumprod() const { return m_alphasCumprod; } // [T] float32

    // x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) noise, for per-sample timesteps t [B].
    torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise,
                           const torch::Tensor& t) const;
    // abar / (1 - abar) at t [B].
    torch::Tensor snr(const torch::Tensor& t) const;

private:
    torch::Tensor m_alphasCumprod;
};

} // namespace md

#pragma once

// The forward (noising) process the trainer samples from: q(x_t | x_0) with the cumulative
// alphas of the model's schedule, held as a tensor on the training device.
//
// Not the engine's md::NoiseSchedule (sampling/), on purpose: that one reproduces diffusers'
// float32 tables bit for bit for inference; this one derives the cumulative alphas in float64
// and rounds once, as the shipped mds-tiny weights were trained with. For the SD
// scaled_linear schedule the two tables differ in 986 of 1000 entries, by at most 15 float32
// ulps (9.5e-7 relative): small, but switching would change the training numerics.

#include "engine/io/ModelConfig.h"

#include <torch/torch.h>

namespace md {

class NoisingProcess
{
public:
    explicit NoisingProcess(const SchedulerConfig& config, torch::Device device = torch::kCPU);

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

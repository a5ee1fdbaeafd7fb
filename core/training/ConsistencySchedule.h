#pragma once

// The arithmetic of latent consistency distillation (Luo et al. 2023, "Latent Consistency
// Models"), for epsilon-prediction models on a variance-preserving schedule:
//  - the skipping-step schedule: `points` (50) timesteps t_n = (n + 1) k - 1, n = 0..points-1,
//    k = T / points (20 for T = 1000), the same points the engine's LcmSampler samples at;
//    the solver goes from t_n to t_{n-1} = t_n - k (for n = 0: to timestep 0);
//  - the consistency function's parametrisation f(x, t) = c_skip(t) x + c_out(t) x0(x, t),
//    c_skip = s^2 / ((10 t)^2 + s^2), c_out = 10 t / sqrt((10 t)^2 + s^2), s = 0.5 (the LCM
//    sampler's boundary scalings: c_skip(0) = 1, c_out(0) = 0, so f(x, 0) = x);
//  - one DDIM (eta 0) step of the guided teacher, x_{t_{n-1}} = sqrt(abar') x0 + sqrt(1 - abar')
//  eps.
// Timesteps are int64 tensors [B]; the scalings broadcast over [B, C, H, W].

#include "training/NoisingProcess.h"

#include <torch/torch.h>

namespace md {

class ConsistencySchedule
{
public:
    static constexpr double kTimestepScaling = 10.0;
    static constexpr double kSigmaData = 0.5;

    explicit ConsistencySchedule(const NoisingProcess& noising, int points = 50);

    int points() const { return m_points; }
    int skip() const { return m_skip; } // k

    // t_n for point indices n [B] (int64, 0-based).
    torch::Tensor timesteps(const torch::Tensor& n) const;
    // The solver's end point t_{n-1} = t_n - k, clamped to 0.
    torch::Tensor previousTimesteps(const torch::Tensor& n) const;

    // c_skip(t), c_out(t) as float32 [B, 1, 1, 1].
    static torch::Tensor cSkip(const torch::Tensor& t);
    static torch::Tensor cOut(const torch::Tensor& t);

    // x0 = (x - sqrt(1 - abar_t) eps) / sqrt(abar_t).
    torch::Tensor predictOriginal(const torch::Tensor& eps, const torch::Tensor& x,
                                  const torch::Tensor& t) const;
    // f(x, t) = c_skip(t) x + c_out(t) x0(eps, x, t).
    torch::Tensor consistencyOutput(const torch::Tensor& eps, const torch::Tensor& x,
                                    const torch::Tensor& t) const;
    // DDIM from t_n to t_{n-1} with noise prediction eps at (x, t_n): the teacher's solver.
    torch::Tensor ddimStep(const torch::Tensor& eps, const torch::Tensor& x,
                           const torch::Tensor& n) const;

private:
    torch::Tensor alphaBar(const torch::Tensor& t, const torch::Tensor& like) const;

    torch::Tensor m_alphasCumprod; // [T] float32
    int m_points;
    int m_skip;
};

} // namespace md

#pragma once

// DPM-Solver++(2M) (diffusers DPMSolverMultistepScheduler with algorithm_type dpmsolver++,
// solver_order 2, midpoint, lower_order_final, final sigma 0), optionally on the Karras
// sigma schedule (use_karras_sigmas: sigmas -> timesteps by log-sigma interpolation,
// rounded). Works on the variance-preserving latent: init sigma 1, no input scaling.
// Its own timestep spacing: linspace / leading use N + 1 points and drop the last.

#include "engine/sampling/Sampler.h"

namespace md {

class DpmSolverSampler : public Sampler
{
public:
    DpmSolverSampler(const SchedulerConfig& config, PredictionType prediction, bool karras);

    void setTimesteps(int steps) override;
    double initNoiseSigma() const override { return 1.0; }
    torch::Tensor scaleModelInput(const torch::Tensor& x, int stepIndex) const override;
    torch::Tensor step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x,
                       Rng& rng) override;
    torch::Tensor predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                  const torch::Tensor& x) const override;
    torch::Tensor addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                           int stepIndex) const override;

    bool karras() const { return m_karras; }

private:
    bool m_karras;
    torch::Tensor m_previousX0; // the x0 prediction of step m_previousIndex
    int m_previousIndex = -1;
};

} // namespace md

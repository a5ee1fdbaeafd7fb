#pragma once

// The training noise schedule of a model (betas -> cumulative alphas -> sigmas), computed
// in float32 with the same torch operations diffusers uses, so derived timesteps and sigmas
// match diffusers' numbers exactly.

#include "engine/io/ModelConfig.h"

#include <vector>

namespace md {

class NoiseSchedule
{
public:
    // Throws std::invalid_argument for an unknown beta_schedule or a bad timestep count.
    explicit NoiseSchedule(const SchedulerConfig& config);

    int numTrainTimesteps() const { return static_cast<int>(m_alphasCumprod.size()); }

    // alpha-bar per training timestep (float32 values, as diffusers' alphas_cumprod).
    const std::vector<float>& alphasCumprod() const { return m_alphasCumprod; }
    // sqrt((1 - abar) / abar) per training timestep, ascending in t (float32 values).
    const std::vector<float>& sigmaTable() const { return m_sigmas; }
    // log of the table above, in float32 as numpy computes it on a float32 array.
    const std::vector<float>& logSigmaTable() const { return m_logSigmas; }

    // Sigma at a (possibly fractional) training timestep: linear interpolation of the table.
    double sigmaAt(double t) const;
    // The (fractional) training timestep of a sigma: linear interpolation in log sigma,
    // clamped to the table (diffusers' _sigma_to_t).
    double sigmaToT(double sigma) const;
    double sigmaMin() const { return m_sigmas.front(); }
    double sigmaMax() const { return m_sigmas.back(); }

    // Karras et al. (2022) rho-schedule of n sigmas from sigmaMax down to sigmaMin (rho 7).
    static std::vector<double> karras(double sigmaMin, double sigmaMax, int n, double rho = 7.0);

private:
    std::vector<float> m_alphasCumprod;
    std::vector<float> m_sigmas;
    std::vector<float> m_logSigmas;
};

} // namespace md

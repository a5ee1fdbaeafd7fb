#include "engine/sampling/NoiseSchedule.h"

#include "engine/sampling/ScheduleMath.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <torch/torch.h>

namespace md {

namespace {

// The "squaredcos_cap_v2" (cosine) schedule of Nichol & Dhariwal, max beta 0.999.
torch::Tensor cosineBetas(int n)
{
    auto alphaBar = [](double t) {
        const double c = std::cos((t + 0.008) / 1.008 * M_PI / 2.0);
        return c * c;
    };
    std::vector<double> betas;
    betas.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double t1 = static_cast<double>(i) / n;
        const double t2 = static_cast<double>(i + 1) / n;
        betas.push_back(std::min(1.0 - alphaBar(t2) / alphaBar(t1), 0.999));
    }
    return torch::tensor(betas, torch::kFloat64).to(torch::kFloat32);
}

std::vector<float> toVector(const torch::Tensor& t)
{
    const auto c = t.to(torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace

NoiseSchedule::NoiseSchedule(const SchedulerConfig& config)
{
    const int n = config.numTrainTimesteps;
    if (n < 2 || n > 100000)
        throw std::invalid_argument("scheduler: num_train_timesteps " + std::to_string(n) +
                                    " is out of range (expected 2..100000)");
    torch::NoGradGuard noGrad;
    torch::Tensor betas;
    if (config.betaSchedule == "linear") {
        betas = torch::linspace(config.betaStart, config.betaEnd, n, torch::kFloat32);
    } else if (config.betaSchedule == "scaled_linear") {
        betas = torch::pow(torch::linspace(std::sqrt(config.betaStart), std::sqrt(config.betaEnd),
                                           n, torch::kFloat32),
                           2);
    } else if (config.betaSchedule == "squaredcos_cap_v2") {
        betas = cosineBetas(n);
    } else {
        throw std::invalid_argument("scheduler: beta_schedule \"" + config.betaSchedule +
                                    "\" is not supported (expected linear, scaled_linear or "
                                    "squaredcos_cap_v2)");
    }
    const auto alphas = 1.0 - betas;
    const auto alphasCumprod = torch::cumprod(alphas, 0);
    const auto sigmas = torch::pow((1 - alphasCumprod) / alphasCumprod, 0.5);
    m_alphasCumprod = toVector(alphasCumprod);
    m_sigmas = toVector(sigmas);
    m_logSigmas.reserve(m_sigmas.size());
    for (float s : m_sigmas)
        m_logSigmas.push_back(std::log(s));
}

double NoiseSchedule::sigmaAt(double t) const
{
    return schedule::interpIndex(m_sigmas, t);
}

double NoiseSchedule::sigmaToT(double sigma) const
{
    const double logSigma = std::log(std::max(sigma, 1e-10));
    const int n = static_cast<int>(m_logSigmas.size());
    // Last index whose log sigma is <= logSigma (0 when none), kept below n - 1.
    int low = 0;
    for (int j = 0; j < n; ++j) {
        if (logSigma - static_cast<double>(m_logSigmas[static_cast<size_t>(j)]) >= 0.0)
            low = j;
    }
    low = std::min(low, n - 2);
    const float lowValue = m_logSigmas[static_cast<size_t>(low)];
    const float highValue = m_logSigmas[static_cast<size_t>(low + 1)];
    const float span = lowValue - highValue; // float32 arithmetic, as numpy does here
    double w = (static_cast<double>(lowValue) - logSigma) / static_cast<double>(span);
    w = std::clamp(w, 0.0, 1.0);
    return (1.0 - w) * low + w * (low + 1);
}

std::vector<double> NoiseSchedule::karras(double sigmaMin, double sigmaMax, int n, double rho)
{
    const auto ramp = schedule::linspace(0.0, 1.0, n);
    const double minInvRho = std::pow(sigmaMin, 1.0 / rho);
    const double maxInvRho = std::pow(sigmaMax, 1.0 / rho);
    std::vector<double> out;
    out.reserve(ramp.size());
    for (double r : ramp)
        out.push_back(std::pow(maxInvRho + r * (minInvRho - maxInvRho), rho));
    return out;
}

} // namespace md

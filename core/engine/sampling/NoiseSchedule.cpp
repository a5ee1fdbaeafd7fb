#include "engine/sampling/NoiseSchedule.h"

#include "engine/sampling/ScheduleMath.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace md {

namespace {

// torch.linspace(start, stop, n, dtype=float32) as PyTorch 2.x computes it on x86 CPUs: a
// float32 step, the first half counted up from start and the second half down from stop,
// each entry one fused multiply-add (the kernel is built with FMA contraction). This
// reproduces diffusers' sigma tables bit for bit; Debian's libtorch 1.13 computes some
// entries one ulp apart, so we do not call it.
std::vector<float> linspaceF32(double start, double stop, int n)
{
    const auto a = static_cast<float>(start);
    const auto b = static_cast<float>(stop);
    const float step = (b - a) / static_cast<float>(n - 1);
    const int halfway = n / 2;
    std::vector<float> out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        out[static_cast<size_t>(i)] = i < halfway
                                          ? std::fma(step, static_cast<float>(i), a)
                                          : std::fma(-step, static_cast<float>(n - i - 1), b);
    }
    return out;
}

// The "squaredcos_cap_v2" (cosine) schedule of Nichol & Dhariwal, max beta 0.999.
std::vector<float> cosineBetas(int n)
{
    auto alphaBar = [](double t) {
        const double c = std::cos((t + 0.008) / 1.008 * M_PI / 2.0);
        return c * c;
    };
    std::vector<float> betas;
    betas.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double t1 = static_cast<double>(i) / n;
        const double t2 = static_cast<double>(i + 1) / n;
        betas.push_back(static_cast<float>(std::min(1.0 - alphaBar(t2) / alphaBar(t1), 0.999)));
    }
    return betas;
}

// Lin et al. (2024), "Common Diffusion Noise Schedules and Sample Steps are Flawed", Alg. 1:
// shift and scale sqrt(alpha-bar) so that the last timestep has zero SNR and the first keeps
// its value, then turn it back into betas.
std::vector<float> rescaledToZeroTerminalSnr(const std::vector<float>& betas)
{
    std::vector<double> root;
    double product = 1.0;
    for (float beta : betas) {
        product *= 1.0 - static_cast<double>(beta);
        root.push_back(std::sqrt(product));
    }
    const double first = root.front();
    const double last = root.back();
    for (double& r : root)
        r = (r - last) * first / (first - last);
    std::vector<float> out;
    out.reserve(betas.size());
    double previous = 1.0;
    for (size_t i = 0; i < root.size(); ++i) {
        const double abar = root[i] * root[i];
        out.push_back(static_cast<float>(1.0 - (i == 0 ? abar : abar / previous)));
        previous = abar;
    }
    return out;
}

} // namespace

NoiseSchedule::NoiseSchedule(const SchedulerConfig& config)
{
    const int n = config.numTrainTimesteps;
    if (n < 2 || n > 100000)
        throw std::invalid_argument("scheduler: num_train_timesteps " + std::to_string(n) +
                                    " is out of range (expected 2..100000)");
    std::vector<float> betas;
    if (config.betaSchedule == "linear") {
        betas = linspaceF32(config.betaStart, config.betaEnd, n);
    } else if (config.betaSchedule == "scaled_linear") {
        betas = linspaceF32(std::sqrt(config.betaStart), std::sqrt(config.betaEnd), n);
        for (float& b : betas) {
            const float squared = b * b;
            b = squared;
        }
    } else if (config.betaSchedule == "squaredcos_cap_v2") {
        betas = cosineBetas(n);
    } else {
        throw std::invalid_argument("scheduler: beta_schedule \"" + config.betaSchedule +
                                    "\" is not supported (expected linear, scaled_linear or "
                                    "squaredcos_cap_v2)");
    }
    if (config.rescaleBetasZeroSnr)
        betas = rescaledToZeroTerminalSnr(betas);
    // torch.cumprod on the CPU accumulates float32 products in double.
    double product = 1.0;
    m_alphasCumprod.reserve(betas.size());
    m_sigmas.reserve(betas.size());
    for (float beta : betas) {
        const float alpha = 1.0f - beta;
        product *= static_cast<double>(alpha);
        auto abar = static_cast<float>(product);
        // Zero terminal SNR: the last alpha-bar is 0 (sigma infinite); like diffusers' Euler
        // and DPM-Solver schedulers, use 2^-24 instead so every sampler gets a finite sigma.
        if (config.rescaleBetasZeroSnr && m_alphasCumprod.size() + 1 == betas.size())
            abar = std::max(abar, 0x1p-24f);
        m_alphasCumprod.push_back(abar);
        const float ratio = (1.0f - abar) / abar;
        m_sigmas.push_back(std::sqrt(ratio));
    }
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

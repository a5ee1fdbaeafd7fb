#include "engine/sampling/DpmSolverSampler.h"

#include "engine/sampling/ScheduleMath.h"

#include <cmath>
#include <torch/torch.h>

namespace md {

namespace {

// VP coefficients of a k-diffusion sigma: alpha = 1 / sqrt(sigma^2 + 1), sigma_t = sigma * alpha.
struct AlphaSigma
{
    float alpha;
    float sigma;
    float lambda() const { return std::log(alpha) - std::log(sigma); }
};

AlphaSigma alphaSigma(float sigma)
{
    const float alpha = 1.0f / std::sqrt(sigma * sigma + 1.0f);
    return {alpha, sigma * alpha};
}

} // namespace

DpmSolverSampler::DpmSolverSampler(const SchedulerConfig& config, PredictionType prediction,
                                   bool karras)
    : Sampler(config, prediction), m_karras(karras)
{
}

void DpmSolverSampler::setTimesteps(int steps)
{
    checkSteps(steps);
    const int train = m_schedule.numTrainTimesteps();
    const int last = train; // lambda_min_clipped = -inf: nothing is clipped
    std::vector<double> ts;
    const auto& spacing = m_config.timestepSpacing;
    if (spacing == "linspace") {
        auto points = schedule::linspace(0.0, last - 1.0, steps + 1);
        for (int i = steps; i >= 1; --i)
            ts.push_back(schedule::roundHalfEven(points[static_cast<size_t>(i)]));
    } else if (spacing == "leading") {
        const int ratio = last / (steps + 1);
        for (int i = steps; i >= 1; --i)
            ts.push_back(static_cast<double>(i * ratio + m_config.stepsOffset));
    } else { // trailing
        const double ratio = static_cast<double>(train) / steps;
        for (double t : schedule::arange(last, 0.0, -ratio))
            ts.push_back(schedule::roundHalfEven(t) - 1.0);
    }

    std::vector<double> sigmas;
    if (m_karras) {
        sigmas = NoiseSchedule::karras(m_schedule.sigmaMin(), m_schedule.sigmaMax(), steps);
        ts.clear();
        for (double s : sigmas)
            ts.push_back(schedule::roundHalfEven(m_schedule.sigmaToT(s)));
    } else {
        for (double t : ts)
            sigmas.push_back(m_schedule.sigmaAt(t));
    }
    m_sigmas.clear();
    for (double s : sigmas)
        m_sigmas.push_back(static_cast<float>(s));
    m_sigmas.push_back(0.0);
    m_timesteps = std::move(ts);
    m_previousX0 = torch::Tensor();
    m_previousIndex = -1;
}

torch::Tensor DpmSolverSampler::scaleModelInput(const torch::Tensor& x, int) const
{
    return x;
}

torch::Tensor DpmSolverSampler::predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                                const torch::Tensor& x) const
{
    checkIndex(stepIndex);
    const auto s = alphaSigma(static_cast<float>(m_sigmas[static_cast<size_t>(stepIndex)]));
    if (m_prediction == PredictionType::VPrediction)
        return s.alpha * x - s.sigma * modelOutput;
    return (x - s.sigma * modelOutput) / s.alpha;
}

torch::Tensor DpmSolverSampler::step(const torch::Tensor& modelOutput, int stepIndex,
                                     const torch::Tensor& x, Rng&)
{
    checkIndex(stepIndex);
    const auto i = static_cast<size_t>(stepIndex);
    const auto x0 = predictOriginal(modelOutput, stepIndex, x);
    const bool haveHistory = m_previousX0.defined() && m_previousIndex == stepIndex - 1;
    const bool last = stepIndex == numSteps() - 1; // lower_order_final / final sigma 0
    const float sigmaNextRaw = static_cast<float>(m_sigmas[i + 1]);

    torch::Tensor next;
    if (sigmaNextRaw == 0.0f) {
        // The first-order update at sigma 0 lands exactly on the x0 prediction.
        next = x0.clone();
    } else {
        const auto t = alphaSigma(sigmaNextRaw);
        const auto s0 = alphaSigma(static_cast<float>(m_sigmas[i]));
        const float h = t.lambda() - s0.lambda();
        const float ratio = t.sigma / s0.sigma;
        const float coeff = t.alpha * (std::exp(-h) - 1.0f);
        if (!haveHistory || last) {
            next = ratio * x - coeff * x0;
        } else {
            const auto s1 = alphaSigma(static_cast<float>(m_sigmas[i - 1]));
            const float h0 = s0.lambda() - s1.lambda();
            const float r0 = h0 / h;
            const auto d1 = (1.0f / r0) * (x0 - m_previousX0);
            next = ratio * x - coeff * x0 - 0.5f * coeff * d1;
        }
    }
    m_previousX0 = x0;
    m_previousIndex = stepIndex;
    return next;
}

torch::Tensor DpmSolverSampler::addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                                         int stepIndex) const
{
    checkIndex(stepIndex);
    const auto s = alphaSigma(static_cast<float>(m_sigmas[static_cast<size_t>(stepIndex)]));
    return s.alpha * original + s.sigma * noise;
}

} // namespace md

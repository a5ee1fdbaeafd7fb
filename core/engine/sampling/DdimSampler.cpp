#include "engine/sampling/DdimSampler.h"

#include "engine/sampling/ScheduleMath.h"

#include <algorithm>
#include <cmath>
#include <torch/torch.h>

namespace md {

DdimSampler::DdimSampler(const SchedulerConfig& config, PredictionType prediction)
    : Sampler(config, prediction)
{
}

void DdimSampler::setTimesteps(int steps)
{
    checkSteps(steps);
    const int train = m_schedule.numTrainTimesteps();
    std::vector<double> ts;
    const auto& spacing = m_config.timestepSpacing;
    if (spacing == "linspace") {
        for (double t : schedule::linspace(0.0, train - 1.0, steps))
            ts.push_back(schedule::roundHalfEven(t));
        std::reverse(ts.begin(), ts.end());
    } else if (spacing == "leading") {
        const int ratio = train / steps;
        for (int i = steps - 1; i >= 0; --i)
            ts.push_back(static_cast<double>(i * ratio + m_config.stepsOffset));
    } else { // trailing
        const double ratio = static_cast<double>(train) / steps;
        for (double t : schedule::arange(train, 0.0, -ratio))
            ts.push_back(schedule::roundHalfEven(t) - 1.0);
    }
    // A steps_offset can push "leading" past the table; keep indices valid.
    for (double& t : ts)
        t = std::clamp(t, 0.0, train - 1.0);
    m_timesteps = std::move(ts);
    m_sigmas.clear();
}

torch::Tensor DdimSampler::scaleModelInput(const torch::Tensor& x, int) const
{
    return x;
}

float DdimSampler::alphaBarAt(int stepIndex) const
{
    checkIndex(stepIndex);
    const auto t = static_cast<size_t>(m_timesteps[static_cast<size_t>(stepIndex)]);
    return m_schedule.alphasCumprod()[t];
}

float DdimSampler::alphaBarPrev(int stepIndex) const
{
    const int t = static_cast<int>(m_timesteps[static_cast<size_t>(stepIndex)]);
    const int prev = t - m_schedule.numTrainTimesteps() / numSteps();
    if (prev >= 0)
        return m_schedule.alphasCumprod()[static_cast<size_t>(prev)];
    return m_config.setAlphaToOne ? 1.0f : m_schedule.alphasCumprod()[0];
}

std::pair<torch::Tensor, torch::Tensor>
DdimSampler::split(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& x) const
{
    const float a = alphaBarAt(stepIndex);
    const float b = 1.0f - a;
    const float sqrtA = std::sqrt(a);
    const float sqrtB = std::sqrt(b);
    if (m_prediction == PredictionType::VPrediction) {
        auto x0 = sqrtA * x - sqrtB * modelOutput;
        auto eps = sqrtA * modelOutput + sqrtB * x;
        return {x0, eps};
    }
    auto x0 = (x - sqrtB * modelOutput) / sqrtA;
    return {x0, modelOutput};
}

torch::Tensor DdimSampler::step(const torch::Tensor& modelOutput, int stepIndex,
                                const torch::Tensor& x, Rng&)
{
    const auto [x0, eps] = split(modelOutput, stepIndex, x);
    const float aPrev = alphaBarPrev(stepIndex);
    const auto direction = std::sqrt(1.0f - aPrev) * eps;
    return std::sqrt(aPrev) * x0 + direction;
}

torch::Tensor DdimSampler::predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                           const torch::Tensor& x) const
{
    return split(modelOutput, stepIndex, x).first;
}

torch::Tensor DdimSampler::addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                                    int stepIndex) const
{
    const float a = alphaBarAt(stepIndex);
    return std::sqrt(a) * original + std::sqrt(1.0f - a) * noise;
}

} // namespace md

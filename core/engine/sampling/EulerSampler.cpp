#include "engine/sampling/EulerSampler.h"

#include "engine/sampling/ScheduleMath.h"

#include <algorithm>
#include <cmath>
#include <torch/torch.h>

namespace md {

EulerSampler::EulerSampler(const SchedulerConfig& config, PredictionType prediction)
    : Sampler(config, prediction)
{
}

void EulerSampler::setTimesteps(int steps)
{
    checkSteps(steps);
    const int train = m_schedule.numTrainTimesteps();
    std::vector<float> ts; // float32, as diffusers keeps them
    const auto& spacing = m_config.timestepSpacing;
    if (spacing == "linspace") {
        for (double t : schedule::linspace(0.0, train - 1.0, steps))
            ts.push_back(static_cast<float>(t));
        std::reverse(ts.begin(), ts.end());
    } else if (spacing == "leading") {
        const int ratio = train / steps;
        for (int i = steps - 1; i >= 0; --i)
            ts.push_back(static_cast<float>(i * ratio) + static_cast<float>(m_config.stepsOffset));
    } else { // trailing
        const double ratio = static_cast<double>(train) / steps;
        for (double t : schedule::arange(train, 0.0, -ratio))
            ts.push_back(static_cast<float>(schedule::roundHalfEven(t)) - 1.0f);
    }
    m_timesteps.assign(ts.begin(), ts.end());
    m_sigmas.clear();
    for (float t : ts)
        m_sigmas.push_back(static_cast<float>(m_schedule.sigmaAt(t)));
    m_sigmas.push_back(0.0);
}

double EulerSampler::initNoiseSigma() const
{
    float maxSigma = 0.0f;
    for (double s : m_sigmas)
        maxSigma = std::max(maxSigma, static_cast<float>(s));
    if (m_config.timestepSpacing == "leading")
        return std::sqrt(maxSigma * maxSigma + 1.0f);
    return maxSigma;
}

float EulerSampler::sigmaAt(int stepIndex) const
{
    checkIndex(stepIndex);
    return static_cast<float>(m_sigmas[static_cast<size_t>(stepIndex)]);
}

float EulerSampler::sigmaNext(int stepIndex) const
{
    checkIndex(stepIndex);
    return static_cast<float>(m_sigmas[static_cast<size_t>(stepIndex) + 1]);
}

torch::Tensor EulerSampler::scaleModelInput(const torch::Tensor& x, int stepIndex) const
{
    const float sigma = sigmaAt(stepIndex);
    return x / std::sqrt(sigma * sigma + 1.0f);
}

torch::Tensor EulerSampler::predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                            const torch::Tensor& x) const
{
    const float sigma = sigmaAt(stepIndex);
    if (m_prediction == PredictionType::VPrediction) {
        const float s2 = sigma * sigma + 1.0f;
        return modelOutput * (-sigma / std::sqrt(s2)) + x / s2;
    }
    return x - sigma * modelOutput;
}

torch::Tensor EulerSampler::step(const torch::Tensor& modelOutput, int stepIndex,
                                 const torch::Tensor& x, Rng&)
{
    const float sigma = sigmaAt(stepIndex);
    const auto x0 = predictOriginal(modelOutput, stepIndex, x);
    const auto derivative = (x - x0) / sigma;
    const float dt = sigmaNext(stepIndex) - sigma;
    return x + derivative * dt;
}

torch::Tensor EulerSampler::addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                                     int stepIndex) const
{
    return original + noise * sigmaAt(stepIndex);
}

} // namespace md

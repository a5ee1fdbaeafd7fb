#include "engine/sampling/LcmSampler.h"

#include "engine/sampling/Rng.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <torch/torch.h>

namespace md {

LcmSampler::LcmSampler(const SchedulerConfig& config, PredictionType prediction)
    : Sampler(config, prediction)
{
}

void LcmSampler::setTimesteps(int steps)
{
    checkSteps(steps);
    if (steps > kOriginalSteps)
        throw std::invalid_argument("the LCM sampler runs at most " +
                                    std::to_string(kOriginalSteps) +
                                    " steps (its distillation "
                                    "schedule), got " +
                                    std::to_string(steps));
    const int k = m_schedule.numTrainTimesteps() / kOriginalSteps;
    m_timesteps.clear();
    for (int i = 0; i < steps; ++i) {
        // Index into the schedule from the top: floor(i * (50 / steps)), in double like
        // numpy's linspace(0, 50, steps, endpoint=False).
        const int index = static_cast<int>(
            std::floor(i * (static_cast<double>(kOriginalSteps) / static_cast<double>(steps))));
        const int fromTop = kOriginalSteps - index; // k-th point, 1-based
        m_timesteps.push_back(static_cast<double>(fromTop * k - 1));
    }
    m_sigmas.clear();
}

torch::Tensor LcmSampler::scaleModelInput(const torch::Tensor& x, int) const
{
    return x;
}

float LcmSampler::alphaBar(int stepIndex) const
{
    checkIndex(stepIndex);
    const auto t = static_cast<size_t>(m_timesteps[static_cast<size_t>(stepIndex)]);
    return m_schedule.alphasCumprod()[t];
}

torch::Tensor LcmSampler::x0(const torch::Tensor& modelOutput, int stepIndex,
                             const torch::Tensor& x) const
{
    const float a = alphaBar(stepIndex);
    const float sqrtA = std::sqrt(a);
    const float sqrtB = std::sqrt(1.0f - a);
    if (m_prediction == PredictionType::VPrediction)
        return sqrtA * x - sqrtB * modelOutput;
    return (x - sqrtB * modelOutput) / sqrtA;
}

torch::Tensor LcmSampler::predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                          const torch::Tensor& x) const
{
    // Boundary-condition scalings in float32, as diffusers computes them from its tensor.
    const float u =
        static_cast<float>(m_timesteps.at(static_cast<size_t>(stepIndex)) * kTimestepScaling);
    const float s2 = static_cast<float>(kSigmaData * kSigmaData);
    const float cSkip = s2 / (u * u + s2);
    const float cOut = u / std::sqrt(u * u + s2);
    return cOut * x0(modelOutput, stepIndex, x) + cSkip * x;
}

torch::Tensor LcmSampler::step(const torch::Tensor& modelOutput, int stepIndex,
                               const torch::Tensor& x, Rng& rng)
{
    auto denoised = predictOriginal(modelOutput, stepIndex, x);
    if (stepIndex == numSteps() - 1)
        return denoised;
    const float aNext = alphaBar(stepIndex + 1);
    const auto noise = rng.randn(modelOutput.sizes()).to(x.device(), x.scalar_type());
    return std::sqrt(aNext) * denoised + std::sqrt(1.0f - aNext) * noise;
}

torch::Tensor LcmSampler::addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                                   int stepIndex) const
{
    const float a = alphaBar(stepIndex);
    return std::sqrt(a) * original + std::sqrt(1.0f - a) * noise;
}

} // namespace md

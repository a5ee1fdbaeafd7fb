#include "engine/sampling/Sampler.h"

#include "engine/sampling/DdimSampler.h"
#include "engine/sampling/DpmSolverSampler.h"
#include "engine/sampling/EulerAncestralSampler.h"
#include "engine/sampling/EulerSampler.h"
#include "engine/sampling/LcmSampler.h"

#include <stdexcept>

namespace md {

namespace {

PredictionType resolvePrediction(const SchedulerConfig& config, PredictionType prediction)
{
    if (prediction != PredictionType::Auto)
        return prediction;
    if (config.predictionType == "epsilon")
        return PredictionType::Epsilon;
    if (config.predictionType == "v_prediction")
        return PredictionType::VPrediction;
    throw std::invalid_argument("scheduler: prediction_type \"" + config.predictionType +
                                "\" is not supported (expected epsilon or v_prediction)");
}

} // namespace

Sampler::Sampler(const SchedulerConfig& config, PredictionType prediction)
    : m_config(config), m_schedule(config), m_prediction(resolvePrediction(config, prediction))
{
    const auto& s = config.timestepSpacing;
    if (s != "leading" && s != "trailing" && s != "linspace")
        throw std::invalid_argument("scheduler: timestep_spacing \"" + s +
                                    "\" is not supported (expected leading, trailing or "
                                    "linspace)");
}

void Sampler::checkSteps(int steps) const
{
    if (steps < 1 || steps > m_schedule.numTrainTimesteps())
        throw std::invalid_argument("steps must be between 1 and " +
                                    std::to_string(m_schedule.numTrainTimesteps()) + ", got " +
                                    std::to_string(steps));
}

void Sampler::checkIndex(int stepIndex) const
{
    if (stepIndex < 0 || stepIndex >= numSteps())
        throw std::out_of_range("sampler: step index " + std::to_string(stepIndex) +
                                " is outside 0.." + std::to_string(numSteps() - 1) +
                                " (was setTimesteps called?)");
}

std::unique_ptr<Sampler> makeSampler(SamplerKind kind, const SchedulerConfig& config,
                                     PredictionType prediction)
{
    switch (kind) {
    case SamplerKind::Ddim:
        return std::make_unique<DdimSampler>(config, prediction);
    case SamplerKind::Euler:
        return std::make_unique<EulerSampler>(config, prediction);
    case SamplerKind::EulerAncestral:
        return std::make_unique<EulerAncestralSampler>(config, prediction);
    case SamplerKind::DpmPp2m:
        return std::make_unique<DpmSolverSampler>(config, prediction, false);
    case SamplerKind::DpmPp2mKarras:
        return std::make_unique<DpmSolverSampler>(config, prediction, true);
    case SamplerKind::Lcm:
        return std::make_unique<LcmSampler>(config, prediction);
    }
    throw std::invalid_argument("unknown sampler");
}

} // namespace md

#pragma once

// A sampler in the shape of a diffusers scheduler, with the step index made explicit.
//
//   sampler->setTimesteps(steps);
//   x = rng.randn(shape) * sampler->initNoiseSigma();
//   for (i = 0; i < steps; ++i) {
//       out = model(sampler->scaleModelInput(x, i), sampler->timesteps()[i], context);
//       x = sampler->step(out, i, x, rng);          // steps must run in order 0, 1, ...
//   }
//
// The model output is epsilon or v (the prediction type given at construction). Latents
// stay in the dtype the caller gives (float32 is recommended; the scalar coefficients are
// computed in float32 like diffusers' own).
//
// Each sampler defines the space of its x exactly as its diffusers scheduler does: DDIM and
// DPM-Solver work on the variance-preserving latent (init sigma 1, no input scaling); Euler
// and Euler ancestral on the k-diffusion latent x = x0 + sigma * noise (input scaled by
// 1/sqrt(sigma^2 + 1)). addNoise() and predictOriginal() follow that space.

#include "engine/EngineTypes.h"
#include "engine/io/ModelConfig.h"
#include "engine/sampling/NoiseSchedule.h"

#include <memory>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md {

class Rng;

class Sampler
{
public:
    virtual ~Sampler() = default;
    Sampler(const Sampler&) = delete;
    Sampler& operator=(const Sampler&) = delete;

    // Prepares `steps` inference steps and resets any multistep state. Throws
    // std::invalid_argument when steps < 1 or steps > num_train_timesteps.
    virtual void setTimesteps(int steps) = 0;
    int numSteps() const { return static_cast<int>(m_timesteps.size()); }

    // The model timestep of each step (what the UNet receives; may be fractional).
    const std::vector<double>& timesteps() const { return m_timesteps; }
    // k-samplers and DPM-Solver: numSteps() + 1 sigmas ending in 0. Empty for DDIM.
    const std::vector<double>& sigmas() const { return m_sigmas; }

    // Standard deviation of the initial noise: x_T = randn * initNoiseSigma().
    virtual double initNoiseSigma() const = 0;
    // The UNet's input at step i (x itself for DDIM / DPM-Solver).
    virtual torch::Tensor scaleModelInput(const torch::Tensor& x, int stepIndex) const = 0;
    // One step from x at step i to the input of step i + 1 (the final sample after the last).
    virtual torch::Tensor step(const torch::Tensor& modelOutput, int stepIndex,
                               const torch::Tensor& x, Rng& rng) = 0;
    // The denoised estimate x0 at step i (for previews).
    virtual torch::Tensor predictOriginal(const torch::Tensor& modelOutput, int stepIndex,
                                          const torch::Tensor& x) const = 0;
    // Noises a clean latent to the level of step i's input (x space of this sampler, as
    // diffusers' add_noise at timesteps()[i]).
    virtual torch::Tensor addNoise(const torch::Tensor& original, const torch::Tensor& noise,
                                   int stepIndex) const = 0;

    PredictionType prediction() const { return m_prediction; } // never Auto
    const SchedulerConfig& config() const { return m_config; }
    const NoiseSchedule& schedule() const { return m_schedule; }

protected:
    // `prediction` Auto takes the config's prediction_type. Throws std::invalid_argument on
    // an unsupported config.
    Sampler(const SchedulerConfig& config, PredictionType prediction);
    void checkSteps(int steps) const;
    void checkIndex(int stepIndex) const;

    SchedulerConfig m_config;
    NoiseSchedule m_schedule;
    PredictionType m_prediction;
    std::vector<double> m_timesteps;
    std::vector<double> m_sigmas;
};

// Throws std::invalid_argument on an unsupported scheduler config.
std::unique_ptr<Sampler> makeSampler(SamplerKind kind, const SchedulerConfig& config,
                                     PredictionType prediction);

} // namespace md

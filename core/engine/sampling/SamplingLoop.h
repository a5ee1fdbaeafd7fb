#pragma once

// The denoising loop shared by txt2img and MultiDiffusion: for each step, ask the denoiser,
// report, step the sampler. Stochastic draws come from the request's Rng in loop order.

#include "engine/Status.h"

#include <atomic>
#include <functional>
#include <torch/types.h>

namespace md {

class Denoiser;
class Rng;
class Sampler;

struct LoopCallbacks
{
    // After step `stepIndex` (0-based) finished: x is the new latent (input of the next step,
    // or the final sample), x0 the denoised estimate made at this step (for previews; only
    // computed when this callback is set).
    std::function<void(int stepIndex, const torch::Tensor& x, const torch::Tensor& x0)> onStep;
    // Replaces x right after step `stepIndex`'s sampler step, before the NaN check and onStep
    // (e.g. an inpainting keep-blend). Unset: x as stepped.
    std::function<torch::Tensor(int stepIndex, const torch::Tensor& x)> afterStep;
    // Checked before every step (the denoiser also checks it between UNet calls).
    const std::atomic<bool>* cancel = nullptr;
};

// Runs sampler.timesteps() from index `firstStep` (diffusers' set_begin_index: img2img skips
// the first steps of the full schedule; a multistep sampler starts with an empty history)
// to the end, from x (already scaled by initNoiseSigma, or noised to step firstStep). The
// sampler's setTimesteps must have been called. Returns the final latent, Status::cancelled() when
// the cancel flag was raised, or an error (exceptions from the denoiser or sampler are caught;
// latents that turn NaN or Inf stop the loop at that step, naming the UNet or the sampler).
Result<torch::Tensor> runSampling(Sampler& sampler, Denoiser& denoiser, torch::Tensor x, Rng& rng,
                                  const LoopCallbacks& callbacks = {}, int firstStep = 0);

} // namespace md

#pragma once

// What a sampling loop asks at every step: the GUIDED model output (epsilon or v, in the
// same space as the sampler's modelOutput) for the whole latent x. x is the sampler's
// unscaled sample; the denoiser applies sampler.scaleModelInput itself and passes
// sampler.timesteps()[stepIndex] to the model. Plain txt2img uses pipeline/GuidedDenoiser
// (classifier-free guidance); MultiDiffusion fuses many views and regions behind the same
// interface.
//
// Cancel and errors: a denoiser that sees its cancel flag between UNet calls returns an
// UNDEFINED tensor (torch::Tensor()); runSampling then returns Status::cancelled(). Errors
// are thrown (c10::Error / std::exception with a message a user can act on); runSampling
// catches them and returns them as a Status.

#include <torch/types.h>

namespace md {

class Denoiser
{
public:
    virtual ~Denoiser() = default;
    virtual torch::Tensor predict(const torch::Tensor& x, int stepIndex) = 0;
};

} // namespace md

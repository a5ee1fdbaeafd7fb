#pragma once

// Plain text-to-image on a loaded model, numerically the same as diffusers'
// StableDiffusionPipeline with a CPU generator:
//   x = randn([1, C, H/f, W/f]) (the request's seed) * initNoiseSigma
//   for each step: guided UNet output -> sampler step
//   image = VAE.decode(x / scaling_factor) -> (image / 2 + 0.5).clamp(0, 1) -> round(255 *)
// with progress, cheap and full previews, and cancel between UNet calls.

#include "engine/EngineTypes.h"
#include "engine/Status.h"
#include "engine/pipeline/PromptEncoder.h"
#include "engine/preview/LatentPreviewer.h"

#include <torch/types.h>

namespace md {

class StableDiffusionModel;

struct Txt2ImgResult
{
    torch::Tensor initNoise; // [1, C, h, w] unit noise drawn from the seed (CPU)
    torch::Tensor latents;   // [1, C, h, w] final latents (float32, CPU)
    RgbImage image;
};

class Txt2ImgPipeline
{
public:
    explicit Txt2ImgPipeline(StableDiffusionModel& model);

    // Checks sizes, steps and cfg against the model; the message says what to change.
    static Status validate(const GenerateRequest& request, const StableDiffusionModel& model);

    Result<Txt2ImgResult> run(const GenerateRequest& request,
                              const GenerateCallbacks& callbacks = {});

    PromptEncoder& prompts() { return m_prompts; }
    // Scaled latents -> 8-bit RGB through the full VAE.
    RgbImage decodeToRgb(const torch::Tensor& latents);
    // Fitted on first use (a few small VAE decodes).
    const LatentPreviewer& previewer();

private:
    StableDiffusionModel& m_model;
    PromptEncoder m_prompts;
    LatentPreviewer m_previewer;
};

} // namespace md

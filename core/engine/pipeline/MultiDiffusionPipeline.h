#pragma once

// Regions and panoramas: MultiDiffusion (Bar-Tal et al., ICML 2023) on a loaded model.
//
//   x = randn([1, C, H/f, W/f]) (the seed) * initNoiseSigma
//   colours = rand([B, 3]) when bootstrapping regions (the seed contract's second draw)
//   for each step: FusedDenoiser (all views x prompts, batched, fused) -> ONE sampler step
//   image = VAE decode (tiled when the canvas is large; wrapped for circular panoramas)
//
// A request without regions on a canvas no larger than the model's native size is plain
// txt2img and goes through Txt2ImgPipeline instead (same numbers either way).

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <torch/types.h>

namespace md {

class StableDiffusionModel;
class Txt2ImgPipeline;

struct MultiDiffusionResult
{
    torch::Tensor initNoise; // [1, C, h, w] unit noise from the seed (CPU)
    torch::Tensor latents;   // [1, C, h, w] final latents (float32, CPU)
    RgbImage image;
    int views = 0;
    int unetBatchesPerStep = 0;
};

class MultiDiffusionPipeline
{
public:
    // Shares the prompt cache and the previewer of the plain pipeline.
    MultiDiffusionPipeline(StableDiffusionModel& model, Txt2ImgPipeline& plain);

    // Whether this request needs fusion (regions, or a canvas beyond one window).
    static bool needsFusion(const GenerateRequest& request, const StableDiffusionModel& model);
    static Status validate(const GenerateRequest& request, const StableDiffusionModel& model);

    Result<MultiDiffusionResult> run(const GenerateRequest& request,
                                     const GenerateCallbacks& callbacks = {});

    // Scaled latents -> image in [-1, 1]: tiled beyond `tileLatents` a side, wrapped
    // horizontally when circular (so the left and right edges meet without a seam).
    torch::Tensor decode(const torch::Tensor& latents, bool circular);

private:
    int window(const GenerateRequest& request) const;
    int batchLimit(const GenerateRequest& request) const;

    StableDiffusionModel& m_model;
    Txt2ImgPipeline& m_plain;
};

} // namespace md

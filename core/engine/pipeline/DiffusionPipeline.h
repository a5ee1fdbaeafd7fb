#pragma once

// The one generation pipeline: text-to-image, regions and panoramas on a loaded model.
//
//   1. conditioning:  the prompts -> text encodings (every prompt and negative padded to one
//                     length; the negative only when guidance is on)
//   2. start latents: StartLatents, in the seed contract's order: x = randn([1, C, H/f, W/f])
//                     * initNoiseSigma, or, from a start image (img2img, reroll), its VAE
//                     posterior sample noised to the first step run (the schedule cut by
//                     the strength); region seeds replace the noise inside their regions
//   3. denoiser:      plain requests (no regions, a canvas within one view, not circular):
//                     GuidedDenoiser, one guided UNet call per step, numerically the same as
//                     diffusers' StableDiffusionPipeline; everything else: FusedDenoiser
//                     (MultiDiffusion, Bar-Tal et al. 2023: every view x prompt, batched,
//                     fused; bootstrapping draws rand([B, 3]) colours after the start draws).
//                     Both skip the unconditional pass at cfg <= 1 (GenerationPlan::guided)
//   4. loop:          runSampling from the first step run, with progress, previews and cancel
//                     between UNet calls; a reroll keeps the start image outside its mask
//                     after every step (StartLatents::keepBlend)
//   5. decode:        the session's policy (whole, tiled when large, wrapped when circular);
//                     a reroll's pixels outside its mask are the start image's
//
// NaN / Inf (corrupt weights) stop the run with an error naming the stage: the text
// encodings are checked once, the latents once per step, the decoded image once.
//
// Each step is one method below, the seams where later kinds of request plug in.

#include "engine/EngineTypes.h"
#include "engine/GenerationEstimate.h"
#include "engine/Status.h"
#include "engine/fusion/FusedDenoiser.h"
#include "engine/nn/LowRankAdapter.h"

#include <functional>
#include <memory>
#include <optional>
#include <torch/types.h>
#include <vector>

namespace md {

class Denoiser;
struct LoraSets;
class ModelSession;
class Rng;
class Sampler;
class StartLatents;

struct DiffusionResult
{
    torch::Tensor initNoise;       // [1, C, h, w] unit noise drawn from the seed (CPU)
    std::vector<double> timesteps; // the model timesteps of the steps run
    torch::Tensor startLatents;    // [1, C, h, w] the loop's input (float32, CPU)
    torch::Tensor imageLatents;    // [1, C, h, w] the start image's (float32, CPU; or undefined)
    torch::Tensor latents;         // [1, C, h, w] final latents (float32, CPU)
    RgbImage image;
    GenerationPlan plan;
};

class DiffusionPipeline
{
public:
    explicit DiffusionPipeline(ModelSession& session);

    // Validates the request, then says how run() would go (path, views, UNet batches).
    Result<GenerationPlan> plan(const GenerateRequest& request) const;

    Result<DiffusionResult> run(const GenerateRequest& request,
                                const GenerateCallbacks& callbacks = {});

    // Validates the request, then estimates its peak memory and UNet work against what the
    // process may still allocate (GenerationMemory); run() refuses what does not fit.
    Result<GenerationEstimate> estimate(const GenerateRequest& request) const;
    // The bytes a generation may allocate, instead of the machine's (tests; nullopt: the
    // machine's MemAvailable and rlimits).
    void setAvailableMemory(std::optional<int64_t> bytes) { m_availableMemory = bytes; }
    // true: a UNet call never mixes LoRA sets (one call per set and batch, the way before
    // stacked adapters; tests compare against it); false (default): calls mix sets.
    void setGroupLoraSets(bool group) { m_groupLoraSets = group; }
    // How a call that mixes sets runs its adapters (Auto: stacked on CUDA, gathered on the
    // CPU; nn/LowRankAdapter.h).
    void setSampleLoraKernel(nn::SampleLoraKernel kernel) { m_sampleLoraKernel = kernel; }

private:
    // What the denoiser needs besides the prompts.
    struct DenoiserInputs
    {
        const GenerateRequest& request;
        const GenerationPlan& plan;
        const Sampler& sampler;
        Rng& rng;
        // The start latents (noise, and from a start image its latents and a reroll's mask and
        // masked-image latents: the extra input of 9-channel inpainting UNets).
        const StartLatents& start;
        const GenerateCallbacks& callbacks;
        std::function<void(int batch, int totalBatches)> onBatch;
    };

    // pipeline/GenerationPlanning.h
    GenerationPlan planFor(const GenerateRequest& request) const;
    // estimate() of a valid request.
    GenerationEstimate memoryFor(const GenerateRequest& request) const;

    // 1. Background first, then the regions; uncond undefined without guidance. An error
    // when an encoding is not finite (corrupt text encoder weights).
    // The prompts' texts and LoRA weights come from `sets`, mapped to the adapter slots
    // `slots` (one per name of sets.names).
    Result<std::vector<FusionPrompt>> encodeConditioning(const LoraSets& sets,
                                                         const std::vector<int>& slots,
                                                         const GenerationPlan& plan);
    // The request's LoRA files attached (the others detached): the slot of each name.
    Result<std::vector<int>> attachLoras(const GenerateRequest& request, const LoraSets& sets);
    // 3. Guided or fused.
    std::unique_ptr<Denoiser> makeDenoiser(std::vector<FusionPrompt> prompts,
                                           const DenoiserInputs& in);
    FusionSetup fusionSetup(std::vector<FusionPrompt> prompts, const DenoiserInputs& in);

    UNetFunction unet();

    ModelSession& m_session;
    std::optional<int64_t> m_availableMemory;
    bool m_groupLoraSets = false;
    nn::SampleLoraKernel m_sampleLoraKernel = nn::SampleLoraKernel::Auto;
};

} // namespace md

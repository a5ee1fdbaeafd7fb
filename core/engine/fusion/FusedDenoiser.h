#pragma once

// MultiDiffusion's fusion step behind the Denoiser interface.
//
// For every (view, prompt) pair whose prompt has weight in the view (the others would add
// exactly zero; see ViewPromptPairs.h) the UNet is evaluated with classifier-free guidance (each
// prompt with its own negative; with FusionSetup::guided off, at cfg <= 1, the conditional
// pass alone, one sample per pair), in as few batched calls as `maxBatch` allows, and the
// predictions are fused with the prompts' weights per latent pixel:
//     fused = sum_i w_i * pred_i / sum_i w_i
// before ONE global sampler step. For DDIM this equals the official algorithm's averaging
// of per-view stepped latents (the step is affine in the prediction and x is shared), and
// unlike per-view stepping it works with multistep and ancestral samplers, keeping one
// sampler state and one noise draw per step.
//
// Bootstrapping (first B steps): outside each region's mask, the region's input is replaced
// by a VAE-encoded constant colour noised to the step's level with the canvas' initial
// noise; the background prompt is never bootstrapped. One randint(0, B, [N-1]) is drawn per
// (step, view) in loop order (the seed contract).
//
// LoRA per region: each prompt's passes run with its own UNet LoRA weights
// (FusionPrompt::adapterWeights). By default the calls are formed as without LoRAs (loop
// order, maxBatch samples each): a call whose passes use one set passes it as
// UNetConditioning::adapterWeights, a call that mixes sets passes one row of weights per
// sample (sampleAdapterWeights; the layers run their stacked adapters with per-sample
// scales). With groupLoraSets the jobs are grouped by set instead (a call never mixes sets;
// the groups run in order of their first job, each group's jobs in loop order): the way
// before stacking, kept to check the stacked calls against. The predictions are fused in
// loop order after the step's calls, so the result does not depend on the batching.

#include "engine/fusion/ViewGrid.h"
#include "engine/sampling/Conditioning.h"
#include "engine/sampling/Denoiser.h"

#include <atomic>
#include <functional>
#include <torch/torch.h>
#include <vector>

namespace md {

class Rng;
class Sampler;

struct FusionPrompt
{
    TextEncoding cond;   // [1, L, D] (+ pooled [1, P] for SDXL)
    TextEncoding uncond; // [1, L, D] (same L for every prompt); unused when not guided
    // The UNet LoRA weights of this prompt's passes, per adapter slot (trailing zeros
    // trimmed; empty: none), passed on as UNetConditioning::adapterWeights.
    std::vector<float> adapterWeights = {};
};

struct FusionSetup
{
    std::vector<FusionPrompt> prompts; // N prompts, background first
    torch::Tensor weights;             // [N, 1, h, w] on the latent grid
    torch::Tensor coverage;            // [N-1, 1, h, w] region masks (for bootstrapping)
    std::vector<View> views;
    float cfg = 7.5f;
    // Classifier-free guidance: uncond + cfg * (cond - uncond), 2 samples per pair. Off (the
    // pipeline turns it off at cfg <= 1, as diffusers): cond alone, 1 sample per pair.
    bool guided = true;
    int maxBatch = 8; // UNet samples per call (whole pairs: at least one pair)
    // true: one call per LoRA set and batch (never mixed); false: calls mix sets.
    bool groupLoraSets = false;
    // Bootstrapping.
    int bootstrapSteps = 0;
    torch::Tensor backgrounds; // [B, C, window_h, window_w] encoded constant colours
    torch::Tensor initNoise;   // [1, C, h, w] unit noise of the canvas (before init sigma)
    // SDXL: pixels per latent for each view's add_time_ids (its own size, no crop); 0 = the
    // model takes no time ids.
    int timeIdsScale = 0;
    // Inpainting models (9-channel UNet): [1, E, h, w] on the canvas' latent grid (E = 5: the
    // mask and the masked image's latents, pipeline/InpaintChannels builds them). Each view
    // takes its window of it (wrapping like the latents on circular canvases), appended to
    // its scaled latents: cat([scaleModelInput(x_view), extra_view], 1). Undefined: none.
    torch::Tensor extraChannels;
};

class FusedDenoiser : public Denoiser
{
public:
    FusedDenoiser(const Sampler& sampler, UNetFunction unet, FusionSetup setup, Rng& rng,
                  const std::atomic<bool>* cancel = nullptr,
                  std::function<void(int batch, int totalBatches)> onBatch = {});

    torch::Tensor predict(const torch::Tensor& x, int stepIndex) override;

    // UNet calls per step.
    int batchesPerStep() const;
    // The distinct UNet LoRA sets of each call of a step, in call order (tests, benches).
    std::vector<int> setsPerBatch() const;

private:
    struct Job
    {
        int view;
        int prompt;
    };
    // One UNet call: its pairs (indices into m_jobs), their LoRA weights and what does not
    // change from step to step, already on the device.
    struct Batch
    {
        std::vector<size_t> jobs;
        int sets = 1;                                  // distinct LoRA sets among the jobs
        std::vector<float> adapterWeights;             // the one set (sets == 1)
        std::vector<std::vector<float>> sampleWeights; // per sample (sets > 1): one row a sample
        torch::Tensor sampleTensor;                    // the same rows [samples, slots], device
        torch::Tensor promptIndex;                     // [jobs] int64
        torch::Tensor timeIds;                         // [samples, 6] (SDXL) or undefined
    };
    void prepareBatches();
    int samplesPerPair() const { return m_setup.guided ? 2 : 1; }
    torch::Tensor crop(const torch::Tensor& t, const View& v) const;
    torch::Tensor bootstrapped(const torch::Tensor& xView, const View& v, int prompt,
                               int backgroundIndex, int stepIndex) const;

    const Sampler& m_sampler;
    UNetFunction m_unet;
    FusionSetup m_setup;
    Rng& m_rng;
    const std::atomic<bool>* m_cancel;
    std::function<void(int, int)> m_onBatch;
    std::vector<Job> m_jobs;
    std::vector<Batch> m_batches;
    torch::Tensor m_condAll;         // [N, L, D]
    torch::Tensor m_uncondAll;       // [N, L, D] (guided only)
    torch::Tensor m_condPooledAll;   // [N, P] (SDXL) or undefined
    torch::Tensor m_uncondPooledAll; // [N, P] (SDXL, guided) or undefined
};

} // namespace md

#include "engine/pipeline/GenerationPlanning.h"

#include "engine/fusion/BatchBudget.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/fusion/ViewPromptPairs.h"
#include "engine/pipeline/LoraSets.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <algorithm>

namespace md {

namespace {

// The (view, prompt) pairs the fused denoiser will evaluate (those with weight in their
// view), counted per UNet LoRA set.
std::vector<int> activePathsPerSet(const GenerateRequest& r, const ViewGrid& grid,
                                   const LoraSets& sets, int vaeScaleFactor)
{
    std::vector<int> paths(sets.unetSets.size(), 0);
    // The maps are cheap at latent size; validateRequest has checked the regions.
    auto maps = RegionWeights::build(r.regions, r.width, r.height, vaeScaleFactor, r.featherPx);
    if (!maps) {
        for (size_t prompt = 0; prompt < sets.unetSetOf.size(); ++prompt)
            paths[static_cast<size_t>(sets.unetSetOf[prompt])] += grid.size();
        return paths;
    }
    for (const ViewPromptPair& pair : activeViewPromptPairs(maps->weights, grid.views()))
        ++paths[static_cast<size_t>(sets.unetSetOf[static_cast<size_t>(pair.prompt)])];
    return paths;
}

} // namespace

int viewWindow(const GenerateRequest& r, const ModelSession& session)
{
    return r.window > 0 ? r.window : session.nativeLatentSize();
}

GenerationPlan planGeneration(const GenerateRequest& r, const ModelSession& session,
                              bool groupLoraSets)
{
    const StableDiffusionModel& model = session.model();
    const int f = model.vaeScaleFactor();
    GenerationPlan p;
    p.latentWidth = r.width / f;
    p.latentHeight = r.height / f;
    p.prompts = 1 + static_cast<int>(r.regions.size());
    const LoraSets sets = LoraSets::of(r);
    p.loraSets = sets.loraUnetSets();
    const int w = viewWindow(r, session);
    // Regions, panoramas and circular canvases fuse several diffusion paths; anything else
    // is plain txt2img.
    p.fused = !r.regions.empty() || r.circular || p.latentWidth > w || p.latentHeight > w;
    if (p.fused) {
        ViewGrid grid(p.latentHeight, p.latentWidth, w, r.stride, r.circular);
        p.views = grid.size();
        p.viewWidth = grid.views().front().width;
        p.viewHeight = grid.views().front().height;
        p.stride = r.stride;
        // cfg > 1: each prompt with its own negative (2 samples per path); cfg <= 1: the
        // conditional pass only (uncond + 1 * (cond - uncond) == cond), as diffusers.
        p.guided = r.cfg > 1.0f;
        const int samplesPerPath = p.guided ? 2 : 1;
        if (r.maxBatch > 0) {
            p.batchLimit = std::max(samplesPerPath, r.maxBatch);
            p.batchReason = "set by the request";
        } else {
            const auto budget =
                defaultBatchBudget(model.device().is_cuda(), p.viewHeight, p.viewWidth);
            p.batchLimit = budget.maxSamples;
            p.batchReason = budget.reason;
        }
        p.unetSamplesPerStep = 0;
        p.unetBatchesPerStep = 0;
        int allPaths = 0;
        for (const int paths : activePathsPerSet(r, grid, sets, f)) {
            p.unetSamplesPerStep += samplesPerPath * paths;
            allPaths += paths;
            if (paths > 0 && groupLoraSets)
                p.unetBatchesPerStep += batchesPerStep(paths, p.batchLimit, samplesPerPath);
        }
        if (!groupLoraSets) // calls mix LoRA sets: batched as without LoRAs
            p.unetBatchesPerStep = batchesPerStep(allPaths, p.batchLimit, samplesPerPath);
    } else {
        p.viewWidth = p.latentWidth;
        p.viewHeight = p.latentHeight;
        p.guided = r.cfg > 1.0f;
        p.batchLimit = p.guided ? 2 : 1;
        p.batchReason = p.guided ? "one guided path: uncond and cond in one call"
                                 : "cfg <= 1: the conditional path only";
        p.unetSamplesPerStep = p.batchLimit;
        p.unetBatchesPerStep = 1;
    }
    p.tiledDecode = session.decodesTiled(p.latentHeight, p.latentWidth, r.circular);
    p.wrappedDecode = r.circular;
    return p;
}

} // namespace md

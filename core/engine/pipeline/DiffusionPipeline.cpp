#include "engine/pipeline/DiffusionPipeline.h"

#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/pipeline/GenerationMemory.h"
#include "engine/pipeline/GenerationPlanning.h"
#include "engine/pipeline/GraphedUNet.h"
#include "engine/pipeline/GuidedDenoiser.h"
#include "engine/pipeline/LoraFiles.h"
#include "engine/pipeline/LoraSets.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/RequestValidation.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/pipeline/StartLatents.h"
#include "engine/pipeline/StepPreviews.h"
#include "engine/sampling/FiniteCheck.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"
#include "engine/sampling/SamplingLoop.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <torch/torch.h>

namespace md {

DiffusionPipeline::DiffusionPipeline(ModelSession& session) : m_session(session) {}

UNetFunction DiffusionPipeline::unet()
{
    // The call's LoRA set(s) on this thread for this call only, through the session's CUDA
    // graphs where they pay (GraphedUNet).
    return GraphedUNet(m_session.model(), m_session.unetGraphs(), m_sampleLoraKernel);
}

Result<std::vector<int>> DiffusionPipeline::attachLoras(const GenerateRequest& request,
                                                        const LoraSets& sets)
{
    // The session attaches the files this request names and detaches the others.
    std::vector<LoraFileUse> files;
    if (!sets.names.empty()) {
        auto found = resolveLoraFiles(request);
        if (!found)
            return found.status();
        files = std::move(found.value());
    }
    return m_session.useLoras(files);
}

Result<GenerationPlan> DiffusionPipeline::plan(const GenerateRequest& request) const
{
    auto valid = validateRequest(request, m_session.model());
    if (!valid)
        return valid;
    return planFor(request);
}

Result<GenerationEstimate> DiffusionPipeline::estimate(const GenerateRequest& request) const
{
    auto valid = validateRequest(request, m_session.model());
    if (!valid)
        return valid;
    return memoryFor(request);
}

GenerationEstimate DiffusionPipeline::memoryFor(const GenerateRequest& request) const
{
    GenerationMemory::Budget budget;
    if (m_availableMemory)
        budget = {m_availableMemory, "set by the caller"};
    else
        budget = GenerationMemory::machineBudget();
    const auto plans = [this](const GenerateRequest& r) { return planFor(r); };
    const GenerationMemory memory(GenerationMemory::factsOf(m_session.model()));
    return memory.check(request, plans, budget);
}

GenerationPlan DiffusionPipeline::planFor(const GenerateRequest& r) const
{
    return planGeneration(r, m_session, m_groupLoraSets);
}

Result<std::vector<FusionPrompt>>
DiffusionPipeline::encodeConditioning(const LoraSets& sets, const std::vector<int>& slots,
                                      const GenerationPlan& plan)
{
    // Text first (diffusers encodes the prompt before drawing the latents; the generator is
    // not involved either way). All prompts and negatives are padded to one length, so every
    // (view, prompt) pair batches together. The encoder sees the prompts without their
    // <lora:...> tags.
    // Each prompt and its negative are encoded with the text weights of the prompt's LoRAs.
    std::vector<std::string> texts = sets.prompts;
    const size_t n = texts.size();
    std::vector<std::vector<float>> textWeights;
    for (size_t i = 0; i < n; ++i)
        textWeights.push_back(LoraSets::toSlots(sets.textWeights[i], slots));
    if (plan.guided) {
        texts.insert(texts.end(), sets.negatives.begin(), sets.negatives.end());
        const auto promptWeights = textWeights;
        textWeights.insert(textWeights.end(), promptWeights.begin(), promptWeights.end());
    }
    auto encoded = m_session.prompts().encodeAll(texts, textWeights);
    for (size_t i = 0; i < encoded.size(); ++i)
        if (!allFinite(encoded[i].context) || !allFinite(encoded[i].pooled))
            return Status::error(nonFiniteMessage(
                "the text encoder", "for " + std::string(i < n ? "prompt " : "negative prompt ") +
                                        std::to_string(i < n ? i + 1 : i - n + 1) + " of " +
                                        std::to_string(n)));
    // SDXL (force_zeros_for_empty_prompt): an empty negative is zeros, not the encoding of "".
    if (m_session.model().config().forceZerosForEmptyPrompt)
        for (size_t i = n; i < texts.size(); ++i)
            if (texts[i].empty())
                encoded[i] = PromptEncoder::zerosLike(encoded[i]);
    std::vector<FusionPrompt> prompts;
    for (size_t i = 0; i < n; ++i)
        prompts.push_back({encoded[i], plan.guided ? encoded[n + i] : TextEncoding(),
                           LoraSets::toSlots(sets.unetWeights[i], slots)});
    return prompts;
}

std::unique_ptr<Denoiser> DiffusionPipeline::makeDenoiser(std::vector<FusionPrompt> prompts,
                                                          const DenoiserInputs& in)
{
    if (!in.plan.fused) {
        // SDXL: the image's add_time_ids, (H, W, 0, 0, H, W).
        const torch::Tensor timeIds = m_session.model().isSdxl()
                                          ? sizeTimeIds(in.request.height, in.request.width)
                                          : torch::Tensor();
        auto denoiser = std::make_unique<GuidedDenoiser>(in.sampler, unet(), prompts.front().cond,
                                                         prompts.front().uncond, in.request.cfg,
                                                         in.callbacks.cancel, timeIds);
        denoiser->setExtraChannels(in.start.extraChannels());
        denoiser->setAdapterWeights(prompts.front().adapterWeights);
        return denoiser;
    }
    return std::make_unique<FusedDenoiser>(in.sampler, unet(), fusionSetup(std::move(prompts), in),
                                           in.rng, in.callbacks.cancel, in.onBatch);
}

FusionSetup DiffusionPipeline::fusionSetup(std::vector<FusionPrompt> prompts,
                                           const DenoiserInputs& in)
{
    const GenerateRequest& r = in.request;
    auto& model = m_session.model();
    const auto device = model.device();
    const int f = model.vaeScaleFactor();
    FusionSetup setup;
    setup.prompts = std::move(prompts);
    auto maps = RegionWeights::build(r.regions, r.width, r.height, f, r.featherPx);
    if (!maps) // validateRequest has checked every region
        throw std::runtime_error(maps.error());
    setup.weights = maps->weights.to(device);
    setup.coverage = maps->coverage.to(device);
    setup.views = ViewGrid(in.plan.latentHeight, in.plan.latentWidth, viewWindow(r, m_session),
                           r.stride, r.circular)
                      .views();
    setup.cfg = r.cfg;
    setup.guided = in.plan.guided; // cfg <= 1: the conditional pass alone, no negatives
    setup.extraChannels = in.start.extraChannels(); // 9-channel UNets; each view its window
    setup.maxBatch = in.plan.batchLimit;
    setup.groupLoraSets = m_groupLoraSets;
    if (model.isSdxl())
        setup.timeIdsScale = f; // each view's own size in pixels
    if (r.bootstrapSteps > 0 && !r.regions.empty()) {
        // Constant colours (the seed's second draw), VAE-encoded at the view's size (the
        // encoder's mean).
        const int b = r.bootstrapSteps;
        auto colours = in.rng.rand({b, 3});
        const int64_t vh = in.plan.viewHeight * f;
        const int64_t vw = in.plan.viewWidth * f;
        auto images = (colours * 2 - 1).view({b, 3, 1, 1}).expand({b, 3, vh, vw}).contiguous();
        // A few images per encoder call on a GPU (a budget of one megapixel: SDXL's float32
        // encoder at 1024x1024 peaks at several GiB per image; all 8 in one call took the
        // SDXL regions case to 30.7 GiB), one at a time on the CPU (its peak memory).
        const int64_t perCall =
            device.is_cuda() ? std::max<int64_t>(1, (int64_t{1024} * 1024) / (vh * vw)) : 1;
        std::vector<torch::Tensor> encoded;
        for (int64_t i = 0; i < b; i += perCall)
            encoded.push_back(model.encodeMean(
                images.narrow(0, i, std::min<int64_t>(perCall, b - i)).to(device)));
        setup.backgrounds = torch::cat(encoded, 0);
        setup.bootstrapSteps = b;
        setup.initNoise = in.start.noise().to(device);
    }
    return setup;
}

Result<DiffusionResult> DiffusionPipeline::run(const GenerateRequest& request,
                                               const GenerateCallbacks& callbacks)
{
    auto valid = validateRequest(request, m_session.model());
    if (!valid)
        return valid;
    try {
        if (auto memory = memoryFor(request); !memory.fits)
            return Status::error(memory.message);
        torch::NoGradGuard noGrad;
        auto& model = m_session.model();
        DiffusionResult result;
        result.plan = planFor(request);
        const GenerationPlan& plan = result.plan;
        SchedulerConfig schedule = model.config().scheduler;
        if (!request.timestepSpacing.empty())
            schedule.timestepSpacing = request.timestepSpacing;
        auto sampler = makeSampler(request.sampler, schedule, model.prediction());
        sampler->setTimesteps(request.steps);
        const int steps = sampler->numSteps();

        const LoraSets loras = LoraSets::of(request);
        auto slots = attachLoras(request, loras);
        if (!slots)
            return slots.status();
        auto prompts = encodeConditioning(loras, slots.value(), plan);
        if (!prompts)
            return prompts.status();
        Rng rng(request.seed);
        auto started = StartLatents::prepare(request, plan.latentHeight, plan.latentWidth,
                                             m_session, *sampler, rng);
        if (!started)
            return started.status();
        const StartLatents& start = started.value();
        result.initNoise = start.noise();
        const int first = start.first();
        const int run = steps - first; // the steps this request runs
        result.timesteps.assign(sampler->timesteps().begin() + first, sampler->timesteps().end());
        result.startLatents = start.x().to(torch::kCPU, torch::kFloat32);
        if (start.fromImage())
            result.imageLatents = start.imageLatents().to(torch::kCPU, torch::kFloat32);

        int currentStep = 0;
        DenoiserInputs inputs{request, plan, *sampler, rng, start, callbacks, {}};
        if (callbacks.onProgress && plan.fused) {
            inputs.onBatch = [&](int batch, int total) {
                callbacks.onProgress(Progress{currentStep, run, batch, total});
            };
        }
        auto denoiser = makeDenoiser(std::move(prompts.value()), inputs);

        StepPreviews::Render tiny;
        if (const TinyPreviewDecoder* decoder = m_session.previewDecoder())
            tiny = [decoder](const torch::Tensor& x0) { return decoder->preview(x0); };
        const bool tinyPreviews = tiny && callbacks.onPreview && request.cheapPreview;
        StepPreviews previews(
            request, callbacks, run,
            [this](const torch::Tensor& x0) { return m_session.previewer().preview(x0); },
            [&](const torch::Tensor& x0) {
                return m_session.decodeToRgb(x0, request.circular, callbacks.cancel);
            },
            tiny, tinyPreviews ? m_session.tinyPreviewBudget() : TinyPreviewBudget());
        LoopCallbacks loop;
        loop.cancel = callbacks.cancel;
        if (start.keepsLatents()) {
            loop.afterStep = [&](int i, const torch::Tensor& x) {
                return start.keepBlend(*sampler, i, x);
            };
        }
        if (callbacks.onProgress || callbacks.onPreview) {
            const int batches = plan.unetBatchesPerStep;
            loop.onStep = [&, batches](int i, const torch::Tensor&, const torch::Tensor& x0) {
                const int done = i + 1 - first;
                currentStep = done;
                if (callbacks.onProgress)
                    callbacks.onProgress(Progress{done, run, batches, batches});
                previews.afterStep(done - 1, start.keepsLatents() ? start.keepEstimate(x0) : x0);
            };
        }
        auto latents = runSampling(*sampler, *denoiser, start.x(), rng, loop, first);
        if (!latents)
            return latents.status();
        if (callbacks.cancel != nullptr && callbacks.cancel->load())
            return Status::cancelled();
        result.latents = latents.value().to(torch::kCPU, torch::kFloat32);
        if (tinyPreviews)
            m_session.rememberTinyCost(previews.budget());
        const bool fast = request.fastDecode && m_session.previewDecoder() != nullptr;
        auto image = fast
                         ? m_session.decodeFast(latents.value(), request.circular, callbacks.cancel)
                         : m_session.decode(latents.value(), request.circular, callbacks.cancel);
        if (!image.defined())
            return Status::cancelled();
        if (!allFinite(image))
            return Status::error(
                nonFiniteMessage(fast ? "the tiny preview decoder" : "the VAE decoder", ""));
        result.image = tensorToRgb(image);
        if (start.rerolls())
            result.image = start.composite(result.image);
        previews.finished(result.image);
        return result;
    } catch (const c10::Error& e) {
        return Status::error(std::string("generation failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(std::string("generation failed: ") + e.what());
    }
}

} // namespace md

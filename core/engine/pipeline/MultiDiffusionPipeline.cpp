#include "engine/pipeline/MultiDiffusionPipeline.h"

#include "engine/fusion/BatchBudget.h"
#include "engine/fusion/FusedDenoiser.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/pipeline/StepPreviews.h"
#include "engine/pipeline/Txt2ImgPipeline.h"
#include "engine/preview/TiledVaeDecoder.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"
#include "engine/sampling/SamplingLoop.h"

#include <algorithm>
#include <torch/torch.h>

namespace md {

namespace {

constexpr int kMaxRegions = 64;
constexpr int kMaxBootstrapSteps = 1000;

} // namespace

MultiDiffusionPipeline::MultiDiffusionPipeline(StableDiffusionModel& model, Txt2ImgPipeline& plain)
    : m_model(model), m_plain(plain)
{
}

bool MultiDiffusionPipeline::needsFusion(const GenerateRequest& r, const StableDiffusionModel& m)
{
    const int native = m.config().unet.sampleSize * m.vaeScaleFactor();
    const int window = r.window > 0 ? r.window * m.vaeScaleFactor() : native;
    return !r.regions.empty() || r.circular || r.width > window || r.height > window;
}

Status MultiDiffusionPipeline::validate(const GenerateRequest& r, const StableDiffusionModel& m)
{
    auto plain = Txt2ImgPipeline::validate(r, m);
    if (!plain)
        return plain;
    if (r.regions.size() > static_cast<size_t>(kMaxRegions))
        return Status::error(std::to_string(r.regions.size()) + " regions; at most " +
                             std::to_string(kMaxRegions) + " are supported");
    if (r.stride < 1)
        return Status::error("the view stride must be at least 1 latent pixel, got " +
                             std::to_string(r.stride));
    if (r.window < 0 || (r.window > 0 && r.window < 8))
        return Status::error("the view window must be at least 8 latent pixels (64 px), got " +
                             std::to_string(r.window));
    if (r.bootstrapSteps < 0 || r.bootstrapSteps > kMaxBootstrapSteps)
        return Status::error("bootstrap steps must be between 0 and " +
                             std::to_string(kMaxBootstrapSteps));
    if (r.featherPx < 0.f || r.featherPx > 512.f)
        return Status::error("feather must be between 0 and 512 pixels");
    for (size_t i = 0; i < r.regions.size(); ++i) {
        const Region& region = r.regions[i];
        if (!(region.strength >= 0.f && region.strength <= 10.f))
            return Status::error("region " + std::to_string(i + 1) +
                                 ": strength must be between 0 and 10");
        auto mask = RegionWeights::canvasMask(region, r.width, r.height);
        if (!mask)
            return mask.status().withContext("region " + std::to_string(i + 1));
    }
    return Status::ok();
}

int MultiDiffusionPipeline::window(const GenerateRequest& r) const
{
    return r.window > 0 ? r.window : m_model.config().unet.sampleSize;
}

int MultiDiffusionPipeline::batchLimit(const GenerateRequest& r) const
{
    if (r.maxBatch > 0)
        return std::max(2, r.maxBatch);
    const int f = m_model.vaeScaleFactor();
    const int w = window(r);
    return defaultBatchBudget(m_model.device().is_cuda(), std::min(w, r.height / f),
                              std::min(w, r.width / f))
        .maxSamples;
}

torch::Tensor MultiDiffusionPipeline::decode(const torch::Tensor& latents, bool circular)
{
    const int native = m_model.config().unet.sampleSize;
    auto decodeOne = [this](const torch::Tensor& z) { return m_model.decode(z); };
    TiledVaeDecoder tiled(decodeOne, m_model.vaeScaleFactor(), std::max(native, 32),
                          std::max(native / 4, 8));
    if (!circular) {
        const bool large = latents.size(2) * latents.size(3) > 4 * native * native;
        return large ? tiled.decode(latents) : m_model.decode(latents);
    }
    // Wrap a few latent columns around both sides, decode, and crop them away, so the
    // decoder sees the same context at the left and right edges.
    const int64_t pad = std::min<int64_t>(8, latents.size(3));
    auto wrapped = torch::cat(
        {latents.narrow(3, latents.size(3) - pad, pad), latents, latents.narrow(3, 0, pad)}, 3);
    const bool large = wrapped.size(2) * wrapped.size(3) > 4 * native * native;
    auto image = large ? tiled.decode(wrapped) : m_model.decode(wrapped);
    const int64_t f = m_model.vaeScaleFactor();
    return image.narrow(3, pad * f, latents.size(3) * f);
}

Result<MultiDiffusionResult> MultiDiffusionPipeline::run(const GenerateRequest& request,
                                                         const GenerateCallbacks& callbacks)
{
    auto valid = validate(request, m_model);
    if (!valid)
        return valid;
    try {
        torch::NoGradGuard noGrad;
        auto sampler =
            makeSampler(request.sampler, m_model.config().scheduler, m_model.prediction());
        sampler->setTimesteps(request.steps);

        // Prompts: background first, then the regions; every prompt and negative padded to
        // one length so all (view, prompt) pairs batch together.
        std::vector<std::string> texts{request.prompt};
        std::vector<std::string> negatives{request.negative};
        for (const Region& region : request.regions) {
            texts.push_back(region.prompt);
            negatives.push_back(region.negative);
        }
        std::vector<std::string> all = texts;
        all.insert(all.end(), negatives.begin(), negatives.end());
        auto encoded = m_plain.prompts().encodeAll(all);
        FusionSetup setup;
        const size_t n = texts.size();
        for (size_t i = 0; i < n; ++i)
            setup.prompts.push_back({encoded[i], encoded[n + i]});

        const int f = m_model.vaeScaleFactor();
        const int h = request.height / f;
        const int w = request.width / f;
        auto maps = RegionWeights::build(request.regions, request.width, request.height, f,
                                         request.featherPx);
        if (!maps)
            return maps.status();
        const auto device = m_model.device();
        setup.weights = maps->weights.to(device);
        setup.coverage = maps->coverage.to(device);
        ViewGrid grid(h, w, window(request), request.stride, request.circular);
        setup.views = grid.views();
        setup.cfg = request.cfg;
        setup.maxBatch = batchLimit(request);

        Rng rng(request.seed);
        MultiDiffusionResult result;
        result.initNoise = rng.randn({1, m_model.latentChannels(), h, w});
        auto x = (result.initNoise * static_cast<float>(sampler->initNoiseSigma())).to(device);

        if (request.bootstrapSteps > 0 && !request.regions.empty()) {
            // Constant colours, VAE-encoded at the window's size (the encoder's mean).
            const int b = request.bootstrapSteps;
            auto colours = rng.rand({b, 3});
            const int64_t vh = setup.views.front().height * f;
            const int64_t vw = setup.views.front().width * f;
            auto images = (colours * 2 - 1).view({b, 3, 1, 1}).expand({b, 3, vh, vw}).contiguous();
            std::vector<torch::Tensor> encoded;
            for (int i = 0; i < b; ++i)
                encoded.push_back(m_model.encodeMean(images.narrow(0, i, 1).to(device)));
            setup.backgrounds = torch::cat(encoded, 0);
            setup.bootstrapSteps = b;
            setup.initNoise = result.initNoise.to(device);
        }

        const int steps = sampler->numSteps();
        int currentStep = 0;
        UNetFunction unet = [this](const torch::Tensor& s, const torch::Tensor& t,
                                   const torch::Tensor& c) { return m_model.unet(s, t, c); };
        std::function<void(int, int)> onBatch;
        if (callbacks.onProgress) {
            onBatch = [&](int batch, int total) {
                callbacks.onProgress(Progress{currentStep, steps, batch, total});
            };
        }
        FusedDenoiser denoiser(*sampler, unet, setup, rng, callbacks.cancel, onBatch);
        result.views = grid.size();
        result.unetBatchesPerStep = denoiser.batchesPerStep();

        const StepPreviews previews(
            request, callbacks, steps,
            [this](const torch::Tensor& x0) { return m_plain.previewer().preview(x0); },
            [&](const torch::Tensor& x0) { return tensorToRgb(decode(x0, request.circular)); });
        LoopCallbacks loop;
        loop.cancel = callbacks.cancel;
        loop.onStep = [&](int i, const torch::Tensor&, const torch::Tensor& x0) {
            currentStep = i + 1;
            if (callbacks.onProgress)
                callbacks.onProgress(
                    Progress{i + 1, steps, result.unetBatchesPerStep, result.unetBatchesPerStep});
            previews.afterStep(i, x0);
        };
        auto latents = runSampling(*sampler, denoiser, x, rng, loop);
        if (!latents)
            return latents.status();
        if (callbacks.cancel != nullptr && callbacks.cancel->load())
            return Status::cancelled();
        result.latents = latents.value().to(torch::kCPU, torch::kFloat32);
        result.image = tensorToRgb(decode(latents.value(), request.circular));
        previews.finished(result.image);
        return result;
    } catch (const c10::Error& e) {
        return Status::error(std::string("generation failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(std::string("generation failed: ") + e.what());
    }
}

} // namespace md

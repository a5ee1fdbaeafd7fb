#include "engine/pipeline/Txt2ImgPipeline.h"

#include "engine/pipeline/GuidedDenoiser.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/pipeline/StepPreviews.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"
#include "engine/sampling/SamplingLoop.h"

#include <cmath>
#include <torch/torch.h>

namespace md {

Txt2ImgPipeline::Txt2ImgPipeline(StableDiffusionModel& model) : m_model(model), m_prompts(model) {}

Status Txt2ImgPipeline::validate(const GenerateRequest& r, const StableDiffusionModel& model)
{
    const int f = model.vaeScaleFactor();
    if (r.width <= 0 || r.height <= 0 || r.width % f != 0 || r.height % f != 0)
        return Status::error("image size " + std::to_string(r.width) + "x" +
                             std::to_string(r.height) + " must be positive multiples of " +
                             std::to_string(f));
    if (r.width > 16384 || r.height > 16384)
        return Status::error("image size " + std::to_string(r.width) + "x" +
                             std::to_string(r.height) + " is too large (at most 16384 a side)");
    const int train = model.config().scheduler.numTrainTimesteps;
    if (r.steps < 1 || r.steps > train)
        return Status::error("steps must be between 1 and " + std::to_string(train) + ", got " +
                             std::to_string(r.steps));
    if (!std::isfinite(r.cfg) || r.cfg < 0.0f || r.cfg > 100.0f)
        return Status::error("cfg must be between 0 and 100, got " + std::to_string(r.cfg));
    return Status::ok();
}

const LatentPreviewer& Txt2ImgPipeline::previewer()
{
    if (!m_previewer.isValid()) {
        m_previewer = LatentPreviewer::fit(
            [this](const torch::Tensor& z) { return m_model.decode(z); }, m_model.latentChannels(),
            m_model.vaeScaleFactor(), m_model.device(), torch::kFloat32);
    }
    return m_previewer;
}

RgbImage Txt2ImgPipeline::decodeToRgb(const torch::Tensor& latents)
{
    return tensorToRgb(m_model.decode(latents));
}

Result<Txt2ImgResult> Txt2ImgPipeline::run(const GenerateRequest& request,
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

        // Text first (diffusers encodes the prompt before drawing the latents; the
        // generator is not involved either way).
        auto cond = m_prompts.encode(request.prompt);
        torch::Tensor uncond;
        if (request.cfg > 1.0f) {
            uncond = m_prompts.encode(request.negative);
            const int64_t length = std::max(cond.size(1), uncond.size(1));
            cond = m_prompts.padTo(cond, length);
            uncond = m_prompts.padTo(uncond, length);
        }

        Rng rng(request.seed);
        const int f = m_model.vaeScaleFactor();
        Txt2ImgResult result;
        result.initNoise =
            rng.randn({1, m_model.latentChannels(), request.height / f, request.width / f});
        auto x =
            (result.initNoise * static_cast<float>(sampler->initNoiseSigma())).to(m_model.device());

        UNetFunction unet = [this](const torch::Tensor& s, const torch::Tensor& t,
                                   const torch::Tensor& c) { return m_model.unet(s, t, c); };
        GuidedDenoiser denoiser(*sampler, unet, cond, uncond, request.cfg, callbacks.cancel);

        const int steps = sampler->numSteps();
        const StepPreviews previews(
            request, callbacks, steps,
            [this](const torch::Tensor& x0) { return previewer().preview(x0); },
            [this](const torch::Tensor& x0) { return decodeToRgb(x0); });
        LoopCallbacks loop;
        loop.cancel = callbacks.cancel;
        if (callbacks.onProgress || callbacks.onPreview) {
            loop.onStep = [&](int i, const torch::Tensor&, const torch::Tensor& x0) {
                if (callbacks.onProgress)
                    callbacks.onProgress(Progress{i + 1, steps, 1, 1});
                previews.afterStep(i, x0);
            };
        }
        auto latents = runSampling(*sampler, denoiser, x, rng, loop);
        if (!latents)
            return latents.status();
        if (callbacks.cancel != nullptr && callbacks.cancel->load())
            return Status::cancelled();
        result.latents = latents.value().to(torch::kCPU, torch::kFloat32);
        result.image = decodeToRgb(latents.value());
        previews.finished(result.image);
        return result;
    } catch (const c10::Error& e) {
        return Status::error(std::string("generation failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(std::string("generation failed: ") + e.what());
    }
}

} // namespace md

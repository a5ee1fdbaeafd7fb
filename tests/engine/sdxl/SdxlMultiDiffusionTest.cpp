// MultiDiffusion on SDXL (fixtures/sdxl README, "MultiDiffusion on SDXL"): every view is a
// small image of its own, with add_time_ids (h, w, 0, 0, h, w) of the VIEW in pixels and its
// prompt's pooled vector. The engine's fused run is checked against the official algorithm
// written out literally here (per view and prompt: guided UNet call, DDIM step, weighted
// average), on a canvas twice as wide as the window, so a time-id of the canvas instead of
// the view, or a pooled vector of the wrong prompt, changes the result.

#include "engine/common/ReferenceTensors.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/PromptEncoder.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"
#include "engine/sdxl/SdxlFixtures.h"

#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;
using namespace md::test;

namespace {

GenerateRequest wideRequest()
{
    GenerateRequest r;
    r.prompt = "a quiet harbour at dawn";
    r.negative = ""; // SDXL: zeros (force_zeros_for_empty_prompt)
    Region boat;
    boat.prompt = "a red sailing boat";
    boat.negative = "blurry";
    boat.box = Box{64, 64, 192, 128};
    r.regions.push_back(boat);
    r.width = 512;
    r.height = 256;
    r.window = 32; // 256 px views: half the canvas width
    r.stride = 16;
    r.steps = 4;
    r.cfg = 6.0f;
    r.seed = 7;
    r.sampler = SamplerKind::Ddim;
    return r;
}

// The official region-based loop (omerbt/MultiDiffusion), with SDXL's per-view conditioning.
// `canvasTimeIds`: the mistake to rule out, every view conditioned on the canvas' size.
torch::Tensor officialLatents(StableDiffusionModel& model, const GenerateRequest& r,
                              bool canvasTimeIds = false)
{
    torch::NoGradGuard noGrad;
    PromptEncoder prompts(model);
    std::vector<TextEncoding> cond, uncond;
    const auto all = prompts.encodeAll({r.prompt, r.regions[0].prompt, r.regions[0].negative});
    cond = {all[0], all[1]};
    uncond = {TextEncoding(torch::zeros_like(all[0].context), torch::zeros_like(all[0].pooled)),
              all[2]};
    const int f = model.vaeScaleFactor();
    auto maps = RegionWeights::build(r.regions, r.width, r.height, f, r.featherPx);
    EXPECT_TRUE(maps.isOk());
    const auto weights = maps->weights;
    const auto views = ViewGrid(r.height / f, r.width / f, r.window, r.stride, false).views();
    EXPECT_GT(views.size(), 1u);

    auto ddim = makeSampler(SamplerKind::Ddim, model.config().scheduler, model.prediction());
    ddim->setTimesteps(r.steps);
    Rng rng(r.seed);
    auto x = rng.randn({1, 4, r.height / f, r.width / f}) * ddim->initNoiseSigma();
    for (int i = 0; i < ddim->numSteps(); ++i) {
        const auto t = torch::full({1}, static_cast<float>(ddim->timesteps()[static_cast<size_t>(i)]));
        auto value = torch::zeros_like(x);
        auto count = torch::zeros_like(x);
        for (const View& v : views) {
            const auto crop = [&v](const torch::Tensor& z) {
                return z.narrow(2, v.y, v.height).narrow(3, v.x, v.width);
            };
            const auto timeIds = canvasTimeIds ? sizeTimeIds(r.height, r.width)
                                               : sizeTimeIds(int64_t{v.height} * f,
                                                             int64_t{v.width} * f);
            for (size_t k = 0; k < cond.size(); ++k) {
                const auto lat = crop(x);
                const auto in = ddim->scaleModelInput(lat, i);
                const auto u = model.unet(in, t, {uncond[k].context, uncond[k].pooled, timeIds});
                const auto c = model.unet(in, t, {cond[k].context, cond[k].pooled, timeIds});
                const auto stepped = ddim->step(u + r.cfg * (c - u), i, lat, rng);
                const auto w = crop(weights.narrow(0, static_cast<int64_t>(k), 1));
                crop(value).add_(stepped * w);
                crop(count).add_(w);
            }
        }
        x = torch::where(count > 0, value / count, value);
    }
    return x;
}

} // namespace

TEST(SdxlMultiDiffusion, FusedRunEqualsTheOfficialLoopWithPerViewTimeIds)
{
    auto model = sdxlFolderModel();
    const auto request = wideRequest();
    ModelSession session(model);
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(request);
    ASSERT_TRUE(result.isOk()) << result.error();
    ASSERT_TRUE(result->plan.fused);
    EXPECT_GT(result->plan.views, 1);
    const auto official = officialLatents(*model, request);
    const double diff = maxAbsDiff(result->latents, official);
    const double tol = 1e-5 * std::max(1.0, official.abs().max().item<double>());
    const double wrong = maxAbsDiff(result->latents, officialLatents(*model, request, true));
    std::printf("  fused vs official SDXL loop (%d views): max|diff| %.3g (tol %.3g); "
                "with the canvas' time ids instead: %.3g\n",
                result->plan.views, diff, tol, wrong);
    EXPECT_LE(diff, tol);
    EXPECT_GT(wrong, 10 * tol); // the test can tell the views' time ids from the canvas'

}

TEST(SdxlMultiDiffusion, BootstrappedRegionsAndACircularPanoramaRun)
{
    auto model = sdxlFolderModel();
    ModelSession session(model);
    DiffusionPipeline pipeline(session);
    auto request = wideRequest();
    request.bootstrapSteps = 2;
    auto a = pipeline.run(request);
    ASSERT_TRUE(a.isOk()) << a.error();
    EXPECT_TRUE(torch::isfinite(a->latents).all().item<bool>());
    auto again = pipeline.run(request);
    ASSERT_TRUE(again.isOk());
    EXPECT_TRUE(torch::equal(a->latents, again->latents)); // the seed decides everything

    GenerateRequest pano = wideRequest();
    pano.regions.clear();
    pano.circular = true;
    auto wrapped = pipeline.run(pano);
    ASSERT_TRUE(wrapped.isOk()) << wrapped.error();
    EXPECT_TRUE(wrapped->plan.wrappedDecode);
    EXPECT_EQ(wrapped->image.width, 512);
    EXPECT_TRUE(torch::isfinite(wrapped->latents).all().item<bool>());
}

TEST(SdxlMultiDiffusion, DefaultWindowIsTheNativeSize)
{
    auto model = sdxlFolderModel();
    ModelSession session(model);
    DiffusionPipeline pipeline(session);
    GenerateRequest r = wideRequest();
    r.window = 0;
    r.width = 1536;
    r.height = 1024;
    auto plan = pipeline.plan(r);
    ASSERT_TRUE(plan.isOk()) << plan.error();
    EXPECT_EQ(plan->viewWidth * 8, 1024); // sample_size 128 latents = 1024 px
    EXPECT_EQ(plan->viewHeight * 8, 1024);
}

TEST(SdxlMultiDiffusion, LivePreviewIsFittedToTheSdxlVae)
{
    auto model = sdxlFolderModel();
    ModelSession session(model);
    DiffusionPipeline pipeline(session);
    int previews = 0;
    GenerateCallbacks callbacks;
    callbacks.onPreview = [&](const PreviewFrame& frame) {
        if (!frame.fullDecode)
            ++previews;
    };
    auto request = wideRequest();
    request.cheapPreview = true;
    auto result = pipeline.run(request, callbacks);
    ASSERT_TRUE(result.isOk()) << result.error();
    EXPECT_EQ(previews, request.steps - 1); // the last step shows the final image instead
    const auto& previewer = session.previewer();
    ASSERT_TRUE(previewer.isValid());
    // Least squares against this VAE's own decodes: a small residual in [-1, 1] units.
    std::printf("  SDXL latent preview fit: rmse %.3f, matrix %s\n", previewer.fitRmse(),
                ::testing::PrintToString(previewer.matrix().sizes().vec()).c_str());
    EXPECT_TRUE(std::isfinite(previewer.fitRmse()));
    EXPECT_LT(previewer.fitRmse(), 0.5);
}

// The inpainting model's extra UNet input reaches the UNet as diffusers builds it:
// cat([scaleModelInput(x), mask, masked latents], 1) on the plain path (repeated for the
// uncond and cond halves, never scaled) and, on the MultiDiffusion path, each view's window of
// the canvas-sized extra tensor (wrapping on circular canvases). And the helpers that build
// the extra tensor (mask binarized and nearest-sampled, masked image, text-to-image default).

#include "engine/fusion/FusedDenoiser.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/image/InpaintFixture.h"
#include "engine/io/ModelConfig.h"
#include "engine/pipeline/GuidedDenoiser.h"
#include "engine/pipeline/InpaintChannels.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <vector>

using namespace md;

namespace {

std::unique_ptr<Sampler> eulerSampler()
{
    // Euler scales its input by 1 / sqrt(sigma^2 + 1): the extra channels must not be.
    auto sampler = makeSampler(SamplerKind::Euler, SchedulerConfig{}, PredictionType::Epsilon);
    sampler->setTimesteps(5);
    return sampler;
}

torch::Tensor canvasExtra(int h, int w)
{
    return torch::arange(5 * h * w, torch::kFloat32).view({1, 5, h, w}) / 100.0f;
}

} // namespace

TEST(ExtraChannels, GuidedDenoiserAppendsThemUnscaledToBothHalves)
{
    auto sampler = eulerSampler();
    std::vector<torch::Tensor> seen;
    UNetFunction unet = [&](const torch::Tensor& in, const torch::Tensor&,
                            const UNetConditioning&) {
        seen.push_back(in.clone());
        return in.narrow(1, 0, 4) * 0.5;
    };
    TextEncoding cond(torch::randn({1, 3, 8}));
    TextEncoding uncond(torch::randn({1, 3, 8}));
    GuidedDenoiser denoiser(*sampler, unet, cond, uncond, 7.5f);
    const auto extra = canvasExtra(6, 10);
    denoiser.setExtraChannels(extra);
    const auto x = torch::randn({1, 4, 6, 10});
    const auto out = denoiser.predict(x, 2);
    ASSERT_EQ(seen.size(), 1u);
    const auto& in = seen.front();
    ASSERT_EQ(in.sizes(), (std::vector<int64_t>{2, 9, 6, 10}));
    const auto scaled = sampler->scaleModelInput(x, 2);
    EXPECT_GT((scaled - x).abs().max().item<double>(), 1e-3); // Euler does scale x
    for (int half = 0; half < 2; ++half) {
        EXPECT_TRUE(torch::equal(in[half].narrow(0, 0, 4), scaled[0])) << half;
        EXPECT_TRUE(torch::equal(in[half].narrow(0, 4, 5), extra[0])) << half;
    }
    EXPECT_EQ(out.sizes(), x.sizes());
    // Without them the input is the bare latents again.
    GuidedDenoiser bare(*sampler, unet, cond, uncond, 7.5f);
    bare.predict(x, 2);
    EXPECT_EQ(seen.back().size(1), 4);
    // A tensor of another size is refused with the sizes.
    denoiser.setExtraChannels(canvasExtra(6, 8));
    EXPECT_THROW(denoiser.predict(x, 2), std::invalid_argument);
}

TEST(ExtraChannels, FusedDenoiserGivesEachViewItsWindowWrapping)
{
    // A circular 8 x 24 canvas in 8 x 8 views with stride 8: views at 0, 8, 16 and one that
    // wraps. The fake UNet answers with the masked-latents part of its input, so the fused
    // prediction must be exactly the canvas' own masked-latent channels at every pixel --
    // only when every view got its own window of them.
    const int h = 8, w = 24;
    auto sampler = eulerSampler();
    std::vector<torch::Tensor> seen;
    UNetFunction unet = [&](const torch::Tensor& in, const torch::Tensor&,
                            const UNetConditioning&) {
        seen.push_back(in.clone());
        return in.narrow(1, 5, 4).clone();
    };
    FusionSetup setup;
    setup.prompts.push_back(
        {TextEncoding(torch::randn({1, 3, 8})), TextEncoding(torch::randn({1, 3, 8}))});
    setup.weights = torch::ones({1, 1, h, w});
    setup.views = ViewGrid(h, w, 8, 6, true).views();
    setup.cfg = 5.0f;
    setup.maxBatch = 64;
    setup.extraChannels = canvasExtra(h, w);
    bool wraps = false;
    for (const View& v : setup.views)
        wraps = wraps || v.wraps;
    ASSERT_TRUE(wraps) << "the grid must have a wrapping view";
    Rng rng(1);
    FusedDenoiser denoiser(*sampler, unet, setup, rng);
    const auto x = torch::randn({1, 4, h, w});
    const auto out = denoiser.predict(x, 1);
    ASSERT_EQ(seen.size(), 1u);
    ASSERT_EQ(seen.front().size(1), 9);
    EXPECT_LE((out - setup.extraChannels.narrow(1, 1, 4)).abs().max().item<double>(), 1e-6);
    // And the latent part is the sampler's scaled window (the extra part is not scaled).
    const auto scaled = sampler->scaleModelInput(x, 1);
    const View& first = setup.views.front();
    EXPECT_TRUE(
        torch::equal(seen.front()[0].narrow(0, 0, 4),
                     scaled[0].narrow(1, first.y, first.height).narrow(2, first.x, first.width)));
}

TEST(ExtraChannels, FusedDenoiserRefusesAnExtraTensorOffTheGrid)
{
    auto sampler = eulerSampler();
    UNetFunction unet = [](const torch::Tensor& in, const torch::Tensor&, const UNetConditioning&) {
        return in.narrow(1, 0, 4);
    };
    FusionSetup setup;
    setup.prompts.push_back(
        {TextEncoding(torch::randn({1, 3, 8})), TextEncoding(torch::randn({1, 3, 8}))});
    setup.weights = torch::ones({1, 1, 8, 16});
    setup.views = ViewGrid(8, 16, 8, 8, false).views();
    setup.extraChannels = canvasExtra(8, 8);
    Rng rng(1);
    EXPECT_THROW({ FusedDenoiser denoiser(*sampler, unet, setup, rng); }, std::invalid_argument);
}

TEST(InpaintChannels, MaskIsBinarizedThenNearestSampled)
{
    MaskImage mask;
    mask.width = 16;
    mask.height = 8;
    mask.values.assign(16 * 8, 0.0f);
    // Block (0, 0): its top-left pixel 0.5 (inside: >= 0.5); block (0, 1): 0.49 at its top-left
    // and 1 elsewhere (outside: nearest takes the top-left pixel).
    for (int y = 0; y < 8; ++y)
        for (int x = 8; x < 16; ++x)
            mask.values[y * 16 + x] = 1.0f;
    mask.values[0] = 0.5f;
    mask.values[8] = 0.49f;
    const auto latent = InpaintChannels::latentMask(mask, 1, 2);
    ASSERT_EQ(latent.sizes(), (std::vector<int64_t>{1, 1, 1, 2}));
    EXPECT_EQ(latent[0][0][0][0].item<float>(), 1.0f);
    EXPECT_EQ(latent[0][0][0][1].item<float>(), 0.0f);
    // The reference mask (rows 48..175, columns 128..223 of 256) at 32 x 32: exactly the
    // blocks 6..21 x 16..27.
    const auto ref = InpaintChannels::latentMask(test::referenceMask(), 32, 32);
    auto expected = torch::zeros({1, 1, 32, 32});
    expected.narrow(2, 6, 16).narrow(3, 16, 12).fill_(1.0f);
    EXPECT_TRUE(torch::equal(ref, expected));
}

TEST(InpaintChannels, MaskedImageIsGreyWhereRerolled)
{
    const RgbImage rgb = test::referenceInitImage();
    const auto image = InpaintChannels::imageTensor(rgb);
    ASSERT_EQ(image.sizes(), (std::vector<int64_t>{1, 3, 256, 256}));
    // Pixel (0, 0) = (0, 0, 255) -> (-1, -1, 1).
    EXPECT_EQ(image[0][0][0][0].item<float>(), -1.0f);
    EXPECT_EQ(image[0][2][0][0].item<float>(), 1.0f);
    const auto masked = InpaintChannels::maskedImage(image, test::referenceMask());
    EXPECT_EQ(masked.narrow(2, 48, 128).narrow(3, 128, 96).abs().max().item<float>(), 0.0f);
    EXPECT_TRUE(torch::equal(masked.narrow(2, 0, 48), image.narrow(2, 0, 48)));
    EXPECT_TRUE(torch::equal(masked.narrow(3, 0, 128), image.narrow(3, 0, 128)));
}

TEST(InpaintChannels, TextToImageIsAllMaskAndTheGreyImage)
{
    torch::NoGradGuard noGrad;
    ModelSession session(test::inpaintModel());
    const auto extra = InpaintChannels::textToImage(session, 8, 12);
    ASSERT_EQ(extra.sizes(), (std::vector<int64_t>{1, 5, 8, 12}));
    EXPECT_EQ(extra.narrow(1, 0, 1).min().item<float>(), 1.0f);
    const auto grey = session.model().encodeMean(torch::zeros({1, 3, 64, 96}));
    EXPECT_TRUE(torch::equal(extra.narrow(1, 1, 4), grey));
}

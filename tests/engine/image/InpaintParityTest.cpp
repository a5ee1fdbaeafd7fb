// A 9-channel inpainting model end to end through the pipeline (DiffusionPipeline::run, and
// md::Engine for the image) against diffusers' StableDiffusionInpaintPipeline: the
// references' inpaint9.* cases (DDIM and Euler ancestral, strength 1 and 0.6, seed 17). The
// pipeline does what pipeline/InpaintChannels.h says: below strength 1 the image's posterior
// sample first, then the noise randn [1, 4, 32, 32], then the masked image's posterior
// sample; every UNet call takes cat([scaled x, mask, masked latents]); no blend of kept
// latents; the final image keeps the start image's pixels outside the mask.

#include "engine/Engine.h"
#include "engine/common/FusedPathParity.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/image/InpaintFixture.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <algorithm>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

// The inpaint9.* cases of img2img-cases.json as a request.
GenerateRequest inpaintCase(SamplerKind kind, float strength)
{
    GenerateRequest r;
    r.prompt = "a red ball on a blue table";
    r.negative = "blurry";
    r.width = 256;
    r.height = 256;
    r.steps = 10;
    r.cfg = 7.5f;
    r.seed = 17;
    r.sampler = kind;
    r.strength = strength;
    r.initImage = test::referenceInitImage();
    r.rerollMask = test::referenceMask();
    return r;
}

std::string prefixOf(const std::string& name, float strength)
{
    return "inpaint9." + name + (strength < 1.0f ? ".s06." : ".s10.");
}

// [H, W] bool: inside the reroll mask (>= 0.5).
torch::Tensor insideMask(const MaskImage& mask)
{
    return torch::from_blob(const_cast<float*>(mask.values.data()), {mask.height, mask.width},
                            torch::kFloat32)
               .clone() >= 0.5f;
}

void compare(SamplerKind kind, const std::string& name, float strength)
{
    SCOPED_TRACE(name);
    ModelSession session(test::inpaintModel());
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(inpaintCase(kind, strength));
    ASSERT_TRUE(result.isOk()) << result.error();
    EXPECT_FALSE(result->plan.fused);
    const std::string prefix = prefixOf(name, strength);
    EXPECT_EQ(test::maxAbsDiff(result->initNoise, test::img2imgReference(prefix + "noise")), 0.0);
    EXPECT_EQ(result->imageLatents.defined(), strength < 1.0f)
        << "the image's sample is drawn only below strength 1";
    const auto refStart = test::img2imgReference(prefix + "start_latents");
    const double startDiff = test::maxAbsDiff(result->startLatents, refStart);
    EXPECT_LE(startDiff, 1e-4 * std::max(1.0, refStart.abs().max().item<double>())) << startDiff;
    const auto ref = test::img2imgReference(prefix + "latents");
    const double diff = test::maxAbsDiff(result->latents, ref);
    const double refMax = ref.abs().max().item<double>();
    std::printf("  inpaint9 %-8s strength %.1f: start max|diff| %.3g, latents max|diff| %.3g "
                "(%.3g of max|ref| %.3g)\n",
                name.c_str(), strength, startDiff, diff, diff / refMax, refMax);
    EXPECT_LE(diff, 1e-3 * refMax);
}

} // namespace

TEST(InpaintParity, DdimStrength1MatchesDiffusers)
{
    compare(SamplerKind::Ddim, "ddim", 1.0f);
}

TEST(InpaintParity, EulerAncestralStrength1MatchesDiffusers)
{
    compare(SamplerKind::EulerAncestral, "euler_a", 1.0f);
}

TEST(InpaintParity, DdimStrength06MatchesDiffusers)
{
    compare(SamplerKind::Ddim, "ddim", 0.6f);
}

TEST(InpaintParity, EulerAncestralStrength06MatchesDiffusers)
{
    compare(SamplerKind::EulerAncestral, "euler_a", 0.6f);
}

TEST(InpaintParity, TheEngineInpaintsLikeDiffusersAndKeepsThePixelsOutside)
{
    // The model folder loaded through md::Engine (on the CPU, float32: the references').
    Engine engine;
    ModelOptions options;
    options.path = test::inpaintFolder();
    options.device = "cpu";
    options.dtype = "float32";
    const Status loaded = engine.load(options);
    ASSERT_TRUE(loaded.isOk()) << loaded.message();
    EXPECT_TRUE(engine.info().inpainting);
    const GenerateRequest request = inpaintCase(SamplerKind::Ddim, 1.0f);
    auto image = engine.generate(request);
    ASSERT_TRUE(image.isOk()) << image.error();

    const auto out = test::imageTensor(image.value());
    const auto init = test::imageTensor(request.initImage);
    const auto outside = (~insideMask(request.rerollMask)).unsqueeze(-1).expand_as(out);
    EXPECT_TRUE(torch::equal(out.masked_select(outside), init.masked_select(outside)))
        << "pixels outside the reroll mask changed";
    const auto inside = (~outside);
    const double psnr = test::psnrU8(
        out.masked_select(inside),
        test::img2imgReference(prefixOf("ddim", 1.0f) + "image").masked_select(inside));
    std::printf("  inpaint9 ddim     strength 1.0: image PSNR %.2f dB inside the mask\n", psnr);
    EXPECT_GE(psnr, 40.0);
}

TEST(InpaintParity, TextToImageAndImg2ImgRunOnANineChannelModel)
{
    // Without a reroll mask the UNet's extra input is InpaintChannels::textToImage (mask 1,
    // a mid-grey masked image); a 9-channel UNet refuses 4-channel input, so these would fail
    // without it. Text to image keeps the seed contract: the noise is the first draw.
    ModelSession session(test::inpaintModel());
    DiffusionPipeline pipeline(session);
    GenerateRequest request = inpaintCase(SamplerKind::Ddim, 1.0f);
    request.steps = 2;
    request.rerollMask = {};
    request.initImage = {};
    auto text = pipeline.run(request);
    ASSERT_TRUE(text.isOk()) << text.error();
    EXPECT_EQ(
        test::maxAbsDiff(text->initNoise, test::img2imgReference(prefixOf("ddim", 1.0f) + "noise")),
        0.0);
    request.initImage = test::referenceInitImage();
    request.strength = 0.5f;
    auto img2img = pipeline.run(request);
    ASSERT_TRUE(img2img.isOk()) << img2img.error();
    EXPECT_TRUE(img2img->imageLatents.defined());
}

TEST(InpaintParity, TheFusedPathGivesEachViewItsExtraChannels)
{
    // A region of strength 0 sends the request down the fused path while the background keeps
    // weight 1 everywhere: the fusion is then the plain guided prediction, so the run must
    // still match diffusers (FusionSetup::extraChannels, no keep-blend).
    test::expectFusedRunMatches(test::inpaintModel(),
                                inpaintCase(SamplerKind::EulerAncestral, 0.6f),
                                test::img2imgReference(prefixOf("euler_a", 0.6f) + "latents"),
                                "inpaint9 euler_a strength 0.6");
}

// Image conditioning against diffusers (tests/engine/img2img/data, CPU float32):
//   img2img.*      StableDiffusionImg2ImgPipeline, five samplers x strengths 0.3 / 0.6 / 1.0;
//   inpaint4.*     StableDiffusionInpaintPipeline with the 4-channel UNet (the reroll);
//   sdxl_img2img.* StableDiffusionXLImg2ImgPipeline.
// The timesteps run exactly; the loop's start latents within the components' tolerance
// (1e-4 x max(1, max|ref|)); final latents within 1e-3 x max|ref|; images at PSNR >= 40 dB.
// A reroll's pixels outside its mask are the start image's exactly. Each group runs in one
// process on one loaded model (CPU time).

#include "engine/common/FusedPathParity.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/img2img/Img2ImgCases.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

double componentTol(const torch::Tensor& ref)
{
    return 1e-4 * std::max(1.0, ref.abs().max().item<double>());
}

// [H, W] bool: inside the reroll mask (>= 0.5).
torch::Tensor insideMask(const MaskImage& mask)
{
    return torch::from_blob(const_cast<float*>(mask.values.data()), {mask.height, mask.width},
                            torch::kFloat32)
               .clone() >= 0.5f;
}

double psnrWhere(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& where)
{
    auto sel = where.unsqueeze(-1).expand_as(a);
    return test::psnrU8(a.masked_select(sel), b.masked_select(sel));
}

void checkCase(const std::shared_ptr<StableDiffusionModel>& model, const std::string& name)
{
    SCOPED_TRACE(name);
    const auto request = test::img2imgCase(name);
    ModelSession session(model);
    DiffusionPipeline pipeline(session);
    const auto t0 = std::chrono::steady_clock::now();
    auto result = pipeline.run(request);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(result.isOk()) << result.error();
    EXPECT_FALSE(result->plan.fused);

    const auto refSteps = test::img2imgReference(name + ".timesteps");
    ASSERT_EQ(static_cast<int64_t>(result->timesteps.size()), refSteps.numel());
    for (int64_t i = 0; i < refSteps.numel(); ++i)
        EXPECT_NEAR(result->timesteps[static_cast<size_t>(i)], refSteps[i].item<double>(), 1e-3)
            << "step " << i;

    const auto refStart = test::img2imgReference(name + ".start_latents");
    const double startDiff = test::maxAbsDiff(result->startLatents, refStart);
    EXPECT_LE(startDiff, componentTol(refStart));

    const auto refLatents = test::img2imgReference(name + ".latents");
    const double latentDiff = test::maxAbsDiff(result->latents, refLatents);
    const double refMax = refLatents.abs().max().item<double>();
    EXPECT_LE(latentDiff, 1e-3 * refMax);

    const bool reroll = !request.rerollMask.empty();
    if (reroll) {
        // diffusers' noise is the seed's second draw, after the image latents' sample.
        EXPECT_EQ(test::maxAbsDiff(result->initNoise, test::img2imgReference(name + ".noise")),
                  0.0);
        const auto refImageLatents = test::img2imgReference(name + ".image_latents");
        EXPECT_LE(test::maxAbsDiff(result->imageLatents, refImageLatents),
                  componentTol(refImageLatents));
    }

    const auto image = test::imageTensor(result->image);
    const auto init = test::imageTensor(request.initImage);
    std::string psnrText = "-";
    if (reroll) {
        const auto inside = insideMask(request.rerollMask);
        EXPECT_TRUE(torch::equal(image.masked_select((~inside).unsqueeze(-1).expand_as(image)),
                                 init.masked_select((~inside).unsqueeze(-1).expand_as(init))))
            << "pixels outside the reroll mask changed";
        if (test::hasImg2imgReference(name + ".image")) {
            const double psnr = psnrWhere(image, test::img2imgReference(name + ".image"), inside);
            EXPECT_GE(psnr, 40.0);
            psnrText = std::to_string(psnr) + " dB (inside the mask)";
        }
    } else if (test::hasImg2imgReference(name + ".image")) {
        const double psnr = test::psnrU8(image, test::img2imgReference(name + ".image"));
        EXPECT_GE(psnr, 40.0);
        psnrText = std::to_string(psnr) + " dB";
    }
    std::printf("  %-32s steps %2zu  start %.2g  latents max|diff|/max|ref| %.3g  image %s  "
                "(%.2f s)\n",
                name.c_str(), result->timesteps.size(), startDiff, latentDiff / refMax,
                psnrText.c_str(), seconds);
}

const char* const kSd15Cases[] = {
    "img2img.ddim.s03",
    "img2img.ddim.s06",
    "img2img.ddim.s10",
    "img2img.euler.s03",
    "img2img.euler.s06",
    "img2img.euler.s10",
    "img2img.euler_a.s03",
    "img2img.euler_a.s06",
    "img2img.euler_a.s10",
    "img2img.dpmpp_2m.s03",
    "img2img.dpmpp_2m.s06",
    "img2img.dpmpp_2m.s10",
    "img2img.dpmpp_2m_karras.s03",
    "img2img.dpmpp_2m_karras.s06",
    "img2img.dpmpp_2m_karras.s10",
};

} // namespace

TEST(Img2ImgParity, EverySamplerAndStrengthMatchesDiffusers)
{
    const auto names = test::img2imgCaseNames("img2img.");
    ASSERT_EQ(names.size(), std::size(kSd15Cases)) << "img2img-cases.json changed";
    for (const char* name : kSd15Cases)
        checkCase(test::img2imgSd15Model(), name);
}

TEST(Img2ImgParity, RerollMatchesTheFourChannelInpaintPipeline)
{
    const auto names = test::img2imgCaseNames("inpaint4.");
    ASSERT_EQ(names.size(), 6u);
    for (const auto& name : names)
        checkCase(test::img2imgSd15Model(), name);
}

TEST(Img2ImgParity, SdxlMatchesDiffusers)
{
    const auto names = test::img2imgCaseNames("sdxl_img2img.");
    ASSERT_EQ(names.size(), 4u);
    for (const auto& name : names)
        checkCase(test::img2imgSdxlModel(), name);
}

TEST(Img2ImgParity, TheFusedPathStartsFromTheSameLatents)
{
    // A region of strength 0 sends the request down the fused path while the background keeps
    // weight 1 everywhere: the fusion is then the plain guided prediction, so the run must
    // still match diffusers (img2img and the reroll's keep-blend in the fused loop).
    for (const char* name : {"img2img.dpmpp_2m_karras.s06", "inpaint4.euler_a.s06"}) {
        SCOPED_TRACE(name);
        test::expectFusedRunMatches(test::img2imgSd15Model(), test::img2imgCase(name),
                                    test::img2imgReference(std::string(name) + ".latents"), name);
    }
}

// Whole SDXL text-to-image runs against diffusers' StableDiffusionXLPipeline (fixtures
// sdxl t2i.*): final latents within 1e-3 x max|ref|, images at PSNR >= 40 dB, for the three
// reference samplers; the single SGM file gives the folder's run bit for bit.

#include "engine/common/ReferenceTensors.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/PipelineTestSupport.h"
#include "engine/sdxl/SdxlFixtures.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;
using namespace md::test;

namespace {

const std::pair<SamplerKind, const char*> kSamplers[] = {
    {SamplerKind::Euler, "euler"},
    {SamplerKind::Ddim, "ddim"},
    {SamplerKind::DpmPp2mKarras, "dpmpp_2m_karras"},
};

} // namespace

class SdxlTxt2ImgFixture
    : public ::testing::TestWithParam<std::pair<SamplerKind, const char*>>
{
};

TEST_P(SdxlTxt2ImgFixture, FolderMatchesDiffusers)
{
    const auto [kind, name] = GetParam();
    ModelSession session(sdxlFolderModel());
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(sdxlTxt2ImgRequest(kind));
    ASSERT_TRUE(result.isOk()) << result.error();
    EXPECT_FALSE(result->plan.fused);
    const auto refLatents = sdxlReference(std::string("t2i.") + name + ".latents");
    const auto refImage = sdxlReference(std::string("t2i.") + name + ".image");
    const double diff = maxAbsDiff(result->latents, refLatents);
    const double tol = 1e-3 * refLatents.abs().max().item<double>();
    const double psnr = psnrU8(imageTensor(result->image), refImage);
    std::printf("  sdxl %-16s latents max|diff| %.3g (tol %.3g)  image PSNR %.2f dB\n", name, diff,
                tol, psnr);
    EXPECT_LE(diff, tol);
    EXPECT_GE(psnr, 40.0);
}

INSTANTIATE_TEST_SUITE_P(ReferenceSamplers, SdxlTxt2ImgFixture, ::testing::ValuesIn(kSamplers),
                         [](const auto& info) { return std::string(info.param.second); });

TEST(SdxlSingleFile, SameRunAsTheFolderBitForBit)
{
    // The fixture weights are exactly representable in fp16: the SGM single file (F16, with
    // OpenCLIP's fused in_proj and transposed text_projection) must give the folder's run.
    auto single = sdxlSingleFileModel();
    EXPECT_EQ(single->info().family, "SDXL");
    EXPECT_EQ(single->info().layout, "single-file (SGM)");
    auto request = sdxlTxt2ImgRequest(SamplerKind::DpmPp2mKarras);
    ModelSession folderSession(sdxlFolderModel());
    ModelSession singleSession(single);
    DiffusionPipeline folder(folderSession);
    DiffusionPipeline file(singleSession);
    auto a = folder.run(request);
    auto b = file.run(request);
    ASSERT_TRUE(a.isOk()) << a.error();
    ASSERT_TRUE(b.isOk()) << b.error();
    EXPECT_TRUE(torch::equal(a->latents, b->latents))
        << "max|diff| " << maxAbsDiff(a->latents, b->latents);
    EXPECT_EQ(a->image.pixels, b->image.pixels);
}

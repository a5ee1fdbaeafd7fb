// Whole text-to-image runs against diffusers' StableDiffusionPipeline (fixtures t2i.*):
// final latents within 1e-3 x max|ref|, images at PSNR >= 40 dB, for all five samplers from
// the diffusers folder; the single-file F16 checkpoint against the folder and the reference.

#include "engine/common/ReferenceTensors.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/PipelineTestSupport.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

struct Measured
{
    double latentDiff = 0;
    double latentTol = 0;
    double psnr = 0;
};

Measured runAndCompare(const std::shared_ptr<StableDiffusionModel>& model, SamplerKind kind,
                       const std::string& name, const char* label)
{
    ModelSession session(model);
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(test::fixtureTxt2ImgRequest(kind));
    EXPECT_TRUE(result.isOk()) << result.error();
    if (!result)
        return {};
    EXPECT_FALSE(result->plan.fused);
    const auto refLatents = test::referenceTensor("t2i." + name + ".latents");
    const auto refImage = test::referenceTensor("t2i." + name + ".image");
    Measured m;
    m.latentDiff = test::maxAbsDiff(result->latents, refLatents);
    m.latentTol = 1e-3 * refLatents.abs().max().item<double>();
    m.psnr = test::psnrU8(test::imageTensor(result->image), refImage);
    std::printf("  %-6s %-16s latents max|diff| %.3g (tol %.3g)  image PSNR %.2f dB\n", label,
                name.c_str(), m.latentDiff, m.latentTol, m.psnr);
    EXPECT_EQ(test::maxAbsDiff(result->initNoise, test::referenceTensor("t2i.init_noise")), 0.0);
    EXPECT_LE(m.latentDiff, m.latentTol) << name;
    EXPECT_GE(m.psnr, 40.0) << name;
    return m;
}

const std::pair<SamplerKind, const char*> kSamplers[] = {
    {SamplerKind::Ddim, "ddim"},
    {SamplerKind::Euler, "euler"},
    {SamplerKind::EulerAncestral, "euler_a"},
    {SamplerKind::DpmPp2m, "dpmpp_2m"},
    {SamplerKind::DpmPp2mKarras, "dpmpp_2m_karras"},
};

} // namespace

class Txt2ImgFixture : public ::testing::TestWithParam<std::pair<SamplerKind, const char*>>
{
};

TEST_P(Txt2ImgFixture, FolderMatchesDiffusers)
{
    runAndCompare(test::fixtureFolderModel(), GetParam().first, GetParam().second, "folder");
}

INSTANTIATE_TEST_SUITE_P(AllSamplers, Txt2ImgFixture, ::testing::ValuesIn(kSamplers),
                         [](const auto& info) { return std::string(info.param.second); });

TEST(Txt2ImgSingleFile, SameLatentsAsTheFolder)
{
    // The fixture weights are exactly representable in fp16, so both layouts load the same
    // numbers and must produce the same run.
    auto request = test::fixtureTxt2ImgRequest(SamplerKind::DpmPp2mKarras);
    ModelSession folderSession(test::fixtureFolderModel());
    ModelSession singleSession(test::fixtureSingleFileModel());
    DiffusionPipeline folder(folderSession);
    DiffusionPipeline single(singleSession);
    auto a = folder.run(request);
    auto b = single.run(request);
    ASSERT_TRUE(a.isOk()) << a.error();
    ASSERT_TRUE(b.isOk()) << b.error();
    const double diff = test::maxAbsDiff(a->latents, b->latents);
    std::printf("  folder vs single-file latents max|diff| %.3g\n", diff);
    EXPECT_LE(diff, 1e-5);
    EXPECT_EQ(a->image.pixels, b->image.pixels);
    EXPECT_EQ(test::fixtureSingleFileModel()->info().storedDtype, "F16");
    const auto ref = test::referenceTensor("t2i.dpmpp_2m_karras.latents");
    const double refDiff = test::maxAbsDiff(b->latents, ref);
    const double psnr = test::psnrU8(test::imageTensor(b->image),
                                     test::referenceTensor("t2i.dpmpp_2m_karras.image"));
    std::printf("  single-file dpmpp_2m_karras latents max|diff| %.3g  image PSNR %.2f dB\n",
                refDiff, psnr);
    EXPECT_LE(refDiff, 1e-3 * ref.abs().max().item<double>());
    EXPECT_GE(psnr, 40.0);
}

// Regions and panoramas against the references in ../shared/fixtures: the official
// MultiDiffusion region_based.py (DDIM, with and without bootstrapping) and diffusers'
// StableDiffusionPanoramaPipeline, both run on the tiny SD-1.5-shaped model.

#include "document/ImageIo.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/multidiffusion/CpuModels.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/sampling/Rng.h"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace md;
using md::test::fixturePath;
using md::test::maxAbsDiff;
using md::test::psnrU8;
using md::test::referenceTensor;

namespace {

ModelSession& fixtureSession()
{
    static ModelSession session(test::loadModelOnCpu(fixturePath("tiny-sd15")));
    return session;
}

nlohmann::json cases()
{
    std::ifstream in(fixturePath("tiny-sd15-cases.json"));
    if (!in)
        throw std::runtime_error("missing " + fixturePath("tiny-sd15-cases.json"));
    return nlohmann::json::parse(in);
}

torch::Tensor imageTensor(const RgbImage& image)
{
    return torch::from_blob(const_cast<std::uint8_t*>(image.pixels.data()),
                            {image.height, image.width, 3}, torch::kUInt8)
        .clone();
}

GenerateRequest regionRequest(const nlohmann::json& c)
{
    GenerateRequest r;
    r.width = c["W"];
    r.height = c["H"];
    r.steps = c["steps"];
    r.cfg = c["cfg"];
    r.seed = c["seed"];
    r.bootstrapSteps = c["bootstrap_steps"];
    r.sampler = SamplerKind::Ddim;
    r.prompt = c["prompts"][0];
    r.negative = c["negs"][0];
    for (size_t i = 0; i < c["mask_files"].size(); ++i) {
        Region region;
        region.prompt = c["prompts"][i + 1];
        region.negative = c["negs"][i + 1];
        auto mask = readMaskPng(fixturePath(c["mask_files"][i]));
        if (!mask)
            throw std::runtime_error(mask.error());
        region.mask = mask.value();
        r.regions.push_back(region);
    }
    return r;
}

void checkRun(const std::string& prefix, const DiffusionResult& result)
{
    auto refLatents = referenceTensor(prefix + ".latents");
    const double scale = refLatents.abs().max().item<double>();
    const double err = maxAbsDiff(result.latents, refLatents);
    const double psnr = psnrU8(imageTensor(result.image), referenceTensor(prefix + ".image"));
    std::cout << prefix << ": latents max|diff| " << err << " (tolerance " << 1e-3 * scale
              << "), image PSNR " << psnr << " dB\n";
    EXPECT_LE(err, 1e-3 * scale);
    EXPECT_GE(psnr, 40.0);
}

void runRegionCase(const std::string& name)
{
    torch::NoGradGuard noGrad;
    nlohmann::json c;
    const nlohmann::json all = cases();
    for (const auto& item : all["region"])
        if (item["name"] == name)
            c = item;
    ASSERT_FALSE(c.is_null()) << "no case " << name;
    GenerateRequest request = regionRequest(c);
    const std::string prefix = "region." + name;

    // The latent masks: threshold 0.5, nearest downsampling, background first.
    auto maps = RegionWeights::build(request.regions, request.width, request.height, 8, 0.f);
    ASSERT_TRUE(maps) << maps.error();
    EXPECT_EQ(maxAbsDiff(maps->weights, referenceTensor(prefix + ".masks")), 0.0);

    DiffusionPipeline pipeline(fixtureSession());
    auto result = pipeline.run(request);
    ASSERT_TRUE(result) << result.error();
    EXPECT_TRUE(result->plan.fused);
    EXPECT_EQ(maxAbsDiff(result->initNoise, referenceTensor(prefix + ".init")), 0.0);
    checkRun(prefix, result.value());
}

} // namespace

TEST(MultiDiffusionFixture, TwoRegionsWithBootstrapping)
{
    runRegionCase("two_regions");
}

TEST(MultiDiffusionFixture, TallWithoutBootstrapping)
{
    runRegionCase("tall_no_bootstrap");
}

TEST(MultiDiffusionFixture, BootstrapBackgroundsMatchReference)
{
    torch::NoGradGuard noGrad;
    // The colours are the seed's second draw; the backgrounds their VAE-encoded means.
    auto colours = referenceTensor("region.two_regions.colours");
    Rng rng(7);
    rng.randn({1, 4, 64, 64});
    EXPECT_EQ(maxAbsDiff(rng.rand({3, 3}), colours), 0.0);
    auto& model = fixtureSession().model();
    auto images = (colours * 2 - 1).view({3, 3, 1, 1}).expand({3, 3, 512, 512}).contiguous();
    auto encoded = model.encodeMean(images);
    auto ref = referenceTensor("region.two_regions.backgrounds");
    const double err = maxAbsDiff(encoded, ref);
    std::cout << "bootstrap backgrounds max|diff| " << err << "\n";
    EXPECT_LE(err, 1e-4 * std::max(1.0, ref.abs().max().item<double>()));
}

TEST(MultiDiffusionFixture, Panorama512x1024)
{
    torch::NoGradGuard noGrad;
    const nlohmann::json c = cases()["panorama"];
    GenerateRequest request;
    request.prompt = c["prompt"];
    request.negative = c["negative_prompt"];
    request.width = c["width"];
    request.height = c["height"];
    request.steps = c["steps"];
    request.cfg = c["cfg"];
    request.seed = c["seed"];
    request.sampler = SamplerKind::Ddim;
    DiffusionPipeline pipeline(fixtureSession());
    auto plan = pipeline.plan(request);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_TRUE(plan->fused);
    EXPECT_EQ(plan->views, 9);
    auto result = pipeline.run(request);
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(result->plan.views, 9);
    checkRun("pano", result.value());
}

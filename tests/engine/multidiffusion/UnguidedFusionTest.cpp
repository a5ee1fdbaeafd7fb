// CFG <= 1 in the fused path: the conditional pass alone (one UNet sample per (view, prompt)
// pair), as diffusers skips the unconditional pass for guidance_scale <= 1. The result must
// be what the guided formula gives at cfg 1 (uncond + 1 * (cond - uncond) == cond), the
// plan must count half the UNet samples, and the seed contract's draws must not move.

#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/multidiffusion/CpuModels.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace md;
using md::test::fixturePath;
using md::test::maxAbsDiff;

namespace {

ModelSession& fixtureSession()
{
    static ModelSession session(test::loadModelOnCpu(fixturePath("tiny-sd15")));
    return session;
}

// Background + 2 box regions on a 96x64 canvas, 8-latent views every 4 latents: 2 views.
GenerateRequest liveRequest(float cfg, SamplerKind sampler)
{
    GenerateRequest r;
    r.prompt = "a blue sky";
    r.negative = "blurry";
    r.width = 96;
    r.height = 64;
    r.window = 8;
    r.stride = 4;
    r.steps = 4;
    r.cfg = cfg;
    r.seed = 11;
    r.sampler = sampler;
    Region left;
    left.prompt = "a red apple";
    left.negative = "green";
    left.box = Box{0, 8, 40, 40};
    Region right;
    right.prompt = "a yellow sun";
    right.box = Box{56, 16, 40, 40};
    r.regions = {left, right};
    return r;
}

} // namespace

TEST(UnguidedFusion, PlanCountsOneSamplePerPair)
{
    DiffusionPipeline pipeline(fixtureSession());
    auto guided = pipeline.plan(liveRequest(7.5f, SamplerKind::Lcm));
    auto live = pipeline.plan(liveRequest(1.0f, SamplerKind::Lcm));
    ASSERT_TRUE(guided) << guided.error();
    ASSERT_TRUE(live) << live.error();
    ASSERT_TRUE(live->fused);
    EXPECT_EQ(live->views, 2);
    EXPECT_EQ(live->prompts, 3);
    EXPECT_TRUE(guided->guided);
    EXPECT_FALSE(live->guided);
    EXPECT_EQ(guided->unetSamplesPerStep, 2 * live->unetSamplesPerStep);
    EXPECT_GE(live->unetSamplesPerStep, 4); // background in both views, each region in one+
    EXPECT_LE(live->unetBatchesPerStep, guided->unetBatchesPerStep);
    auto below = pipeline.plan(liveRequest(0.5f, SamplerKind::Lcm));
    ASSERT_TRUE(below) << below.error();
    EXPECT_FALSE(below->guided);

    auto guidedMemory = pipeline.estimate(liveRequest(7.5f, SamplerKind::Lcm));
    auto liveMemory = pipeline.estimate(liveRequest(1.0f, SamplerKind::Lcm));
    ASSERT_TRUE(guidedMemory) << guidedMemory.error();
    ASSERT_TRUE(liveMemory) << liveMemory.error();
    EXPECT_EQ(guidedMemory->unetEvaluations, 2 * liveMemory->unetEvaluations);
    EXPECT_LE(liveMemory->unetBytes, guidedMemory->unetBytes);
}

TEST(UnguidedFusion, MatchesTheGuidedFormulaAtCfgOne)
{
    torch::NoGradGuard noGrad;
    DiffusionPipeline pipeline(fixtureSession());
    // Euler ancestral draws noise after every model call: the draws must not move either.
    for (const SamplerKind sampler : {SamplerKind::Lcm, SamplerKind::EulerAncestral}) {
        SCOPED_TRACE(static_cast<int>(sampler));
        // The smallest cfg above 1 still takes the guided path (uncond and cond per pair):
        // uncond + (1 + 2^-23) * (cond - uncond), cond up to float rounding.
        const float justAbove = std::nextafter(1.0f, 2.0f);
        auto guided = pipeline.run(liveRequest(justAbove, sampler));
        auto live = pipeline.run(liveRequest(1.0f, sampler));
        ASSERT_TRUE(guided) << guided.error();
        ASSERT_TRUE(live) << live.error();
        ASSERT_TRUE(guided->plan.guided);
        ASSERT_FALSE(live->plan.guided);
        EXPECT_EQ(maxAbsDiff(live->initNoise, guided->initNoise), 0.0);
        EXPECT_EQ(live->timesteps, guided->timesteps);
        const double scale = guided->latents.abs().max().item<double>();
        const double diff = maxAbsDiff(live->latents, guided->latents);
        std::printf("cfg 1 unguided vs guided: latents max|diff| %.3g of max|ref| %.3g\n", diff,
                    scale);
        EXPECT_LE(diff, 1e-5 * scale);
        // And the negatives are not used: another negative gives the same latents exactly.
        auto other = liveRequest(1.0f, sampler);
        other.negative = "a green field";
        other.regions[0].negative = "a purple cat";
        auto withOther = pipeline.run(other);
        ASSERT_TRUE(withOther) << withOther.error();
        EXPECT_EQ(maxAbsDiff(withOther->latents, live->latents), 0.0);
    }
}

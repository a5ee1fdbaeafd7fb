// Per-region LoRAs in shared UNet calls (stacked adapters, nn/StackedAdapters.h): a fused run
// whose regions carry different LoRAs batches its passes as the run without LoRAs, one call
// mixing the sets with per-sample weights, and gives what the grouped run (one call per set,
// DiffusionPipeline::setGroupLoraSets) gives: latents within 1e-4 relative, image >= 60 dB,
// with either kernel of the mixed calls (stacked, gathered).
// SD 1.5 (plain LoRA + LoCon, stacked; CP + DoRA, run one by one) and SDXL fixtures.

#include "engine/common/Fixtures.h"
#include "engine/common/ModelLoraTargets.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/common/TestLoraFile.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

struct Case
{
    std::string label;
    bool sdxl = false;
    bool leftovers = false; // region 2's LoRA: CP LoCon with DoRA (not stackable)
};

struct Run
{
    torch::Tensor latents;
    torch::Tensor image;
    int plannedCalls = 0;
    int callsPerStep = 0; // as the progress callback reported them
};

Run runOnce(DiffusionPipeline& pipeline, const GenerateRequest& r, bool group,
            nn::SampleLoraKernel kernel = nn::SampleLoraKernel::Auto)
{
    pipeline.setGroupLoraSets(group);
    pipeline.setSampleLoraKernel(kernel);
    auto plan = pipeline.plan(r);
    if (!plan)
        throw std::runtime_error(plan.error());
    Run out;
    out.plannedCalls = plan->unetBatchesPerStep;
    GenerateCallbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) {
        out.callsPerStep = std::max(out.callsPerStep, p.totalBatches);
    };
    auto result = pipeline.run(r, callbacks);
    if (!result)
        throw std::runtime_error(result.error());
    out.latents = result->latents;
    out.image = test::imageTensor(result->image);
    return out;
}

void compare(const Case& c)
{
    torch::NoGradGuard noGrad;
    ModelOptions o;
    o.path = test::fixturePath(c.sdxl ? "sdxl/tiny-sdxl" : "tiny-sd15");
    o.device = "cpu";
    auto model = StableDiffusionModel::load(o);
    ASSERT_TRUE(model) << model.error();
    ModelSession session(model.value());
    DiffusionPipeline pipeline(session);

    const std::string dir =
        test::tempPath("lora-stacked-" + std::to_string(std::hash<std::string>{}(c.label)));
    std::filesystem::create_directories(dir);
    const test::TestLoraTargets targets = test::loraTargetsOf(*model.value());
    test::TestLoraOptions x;
    x.rank = 4;
    x.alpha = 2.0f;
    x.resnetConvs = true; // LoCon: 3x3 downs, stacked too
    x.seed = 31;
    test::TestLoraOptions y;
    y.rank = 8;
    y.naming = test::TestLoraNaming::Peft;
    y.seed = 32;
    if (c.leftovers) {
        y.naming = test::TestLoraNaming::Kohya;
        y.resnetConvs = true;
        y.cp = true;
        y.dora = true;
    }
    ASSERT_TRUE(test::writeTestLora(dir + "/x.safetensors", targets, x));
    ASSERT_TRUE(test::writeTestLora(dir + "/y.safetensors", targets, y));

    // 256x128 canvas, 16-latent views at stride 8 (7 views): each region is seen by a few
    // views, the background by all; batches of 8 samples mix background and region passes.
    GenerateRequest r;
    r.prompt = "a wide field under a grey sky";
    r.negative = "blurry";
    r.width = 256;
    r.height = 128;
    r.window = 16;
    r.stride = 8;
    r.steps = 4;
    r.cfg = 6.0f;
    r.seed = 41;
    r.maxBatch = 8;
    r.sampler = SamplerKind::Euler;
    r.loraDirs = {dir};
    Region a;
    a.prompt = "a red cat <lora:x:0.9>";
    a.box = Box{0, 0, 112, 128};
    Region b;
    b.prompt = "a green bird <lora:y:1.2>";
    b.box = Box{144, 0, 112, 128};
    r.regions = {a, b};

    const Run grouped = runOnce(pipeline, r, true);
    const Run mixed = runOnce(pipeline, r, false, nn::SampleLoraKernel::Stacked);
    const Run gathered = runOnce(pipeline, r, false, nn::SampleLoraKernel::Gathered);
    GenerateRequest plain = r;
    plain.regions[0].prompt = "a red cat";
    plain.regions[1].prompt = "a green bird";
    const Run none = runOnce(pipeline, plain, false);

    const double latentDiff = test::maxAbsDiff(mixed.latents, grouped.latents) /
                              grouped.latents.abs().max().item<double>();
    const double psnr = test::psnrU8(mixed.image, grouped.image);
    const double gatheredDiff = test::maxAbsDiff(gathered.latents, grouped.latents) /
                                grouped.latents.abs().max().item<double>();
    const double gatheredPsnr = test::psnrU8(gathered.image, grouped.image);
    const double effect = test::psnrU8(mixed.image, none.image);
    std::cout << c.label << ": UNet calls per step grouped " << grouped.plannedCalls << ", mixed "
              << mixed.plannedCalls << ", no LoRA " << none.plannedCalls
              << "; mixed vs grouped: stacked latents max|diff| " << latentDiff
              << " relative, image " << psnr << " dB; gathered " << gatheredDiff << ", "
              << gatheredPsnr << " dB; with vs without the LoRAs " << effect << " dB\n";
    EXPECT_EQ(grouped.callsPerStep, grouped.plannedCalls);
    EXPECT_EQ(mixed.callsPerStep, mixed.plannedCalls);
    EXPECT_EQ(mixed.plannedCalls, none.plannedCalls);
    EXPECT_LT(mixed.plannedCalls, grouped.plannedCalls);
    EXPECT_LE(latentDiff, 1e-4);
    EXPECT_GE(psnr, 60.0);
    EXPECT_LE(gatheredDiff, 1e-4);
    EXPECT_GE(gatheredPsnr, 60.0);
    EXPECT_EQ(gathered.callsPerStep, mixed.plannedCalls);
    EXPECT_LT(effect, 40.0) << "the LoRAs must change the image";
}

} // namespace

TEST(LoraStackedCalls, MixedCallsMatchGroupedSd15)
{
    compare({"SD 1.5, LoRA + LoCon regions"});
}

TEST(LoraStackedCalls, DoraAndCpRunOneByOneInMixedCallsSd15)
{
    compare({"SD 1.5, LoCon region + CP/DoRA region", false, true});
}

TEST(LoraStackedCalls, MixedCallsMatchGroupedSdxl)
{
    compare({"SDXL, LoRA + LoCon regions", true});
}

} // namespace md

#include "engine/common/Fixtures.h"
#include "engine/common/TestLoraFile.h"
#include "engine/io/SafetensorsWriter.h"
#include "engine/lora/LoraTestSupport.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/pipeline/ModelLoras.h"

#include <gtest/gtest.h>
#include <iostream>
#include <torch/torch.h>

// A LoRA attached at run time (AdapterScales weight w) gives the same UNet output and text
// encodings as the same LoRA merged into a copy of the weights (W += w * s * up @ down), on
// the fixture models: the exactness check at the component level.

using md::nn::AdapterScales;
using md::test::TestLoraNaming;

namespace {

struct Outputs
{
    torch::Tensor unet;
    torch::Tensor text;
    torch::Tensor text2; // SDXL
    torch::Tensor pooled2;
};

Outputs run(md::StableDiffusionModel& model)
{
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(11);
    const bool sdxl = model.isSdxl();
    const int64_t contextDim = model.config().unet.crossAttentionDim;
    auto sample = at::randn({2, 4, 16, 24}, generator);
    auto timestep = torch::tensor({981.0f, 15.0f});
    md::UNetConditioning c;
    c.context = at::randn({2, 9, contextDim}, generator);
    if (sdxl) {
        c.pooled = at::randn({2, model.config().textEncoder2.projectionDim}, generator);
        c.timeIds = torch::tensor({128.0f, 192.0f, 0.0f, 0.0f, 128.0f, 192.0f}).repeat({2, 1});
    }
    auto ids = at::randint(0, model.config().textEncoder.vocabSize, {2, 77}, generator);
    Outputs out;
    out.unet = model.unet(sample, timestep, c);
    out.text = model.encodeTokens(ids);
    if (sdxl) {
        auto e = model.encodeTokens2(ids, true);
        out.text2 = e.context;
        out.pooled2 = e.pooled;
    }
    return out;
}

// max |a - b| against the fixtures' component tolerance 1e-4 * max(1, max |b|); printed.
void expectClose(const std::string& what, const torch::Tensor& runTime, const torch::Tensor& merged,
                 const torch::Tensor& base)
{
    const double diff = (runTime - merged).abs().max().item<double>();
    const double change = (merged - base).abs().max().item<double>();
    const double tolerance = 1e-4 * std::max(1.0, merged.abs().max().item<double>());
    std::cout << what << ": max|run-time - merged| = " << diff << " (tolerance " << tolerance
              << "; the LoRA changes it by up to " << change << ")\n";
    EXPECT_LE(diff, tolerance) << what;
    EXPECT_GT(change, 100 * diff) << what << ": the LoRA must visibly change the output";
}

void expectRunTimeEqualsMerged(const std::string& fixture, const md::test::TestLoraOptions& options,
                               float weight)
{
    SCOPED_TRACE(fixture);
    auto runTimeModel = md::test::freshFixtureModel(fixture);
    auto mergedModel = md::test::freshFixtureModel(fixture);
    const std::string path = md::test::tempPath("exactness.safetensors");
    auto written = md::test::writeTestLora(path, md::test::loraTargetsOf(*runTimeModel), options);
    ASSERT_TRUE(written) << written.error();
    auto file = md::readLoraFor(*runTimeModel, path);
    ASSERT_TRUE(file) << file.error();
    ASSERT_EQ(file->modules().size(), written->size());

    const Outputs base = run(*runTimeModel);
    ASSERT_TRUE(md::attachLora(*runTimeModel, *file, 1));
    {
        AdapterScales zero({0.5f, 0.0f}); // slot 1 off: exactly the base model
        const Outputs off = run(*runTimeModel);
        EXPECT_TRUE(torch::equal(off.unet, base.unet));
        EXPECT_TRUE(torch::equal(off.text, base.text));
    }
    EXPECT_TRUE(torch::equal(run(*runTimeModel).unet, base.unet)); // no scales alive
    Outputs runTime;
    {
        AdapterScales scales({0.0f, weight});
        runTime = run(*runTimeModel);
    }
    ASSERT_TRUE(md::mergeLora(*mergedModel, *file, weight, weight));
    const Outputs merged = run(*mergedModel);
    const std::string tag =
        fixture + (options.naming == TestLoraNaming::Kohya ? " kohya" : " PEFT");
    expectClose(tag + " UNet", runTime.unet, merged.unet, base.unet);
    expectClose(tag + " text encoder", runTime.text, merged.text, base.text);
    if (runTimeModel->isSdxl()) {
        expectClose(tag + " text encoder 2", runTime.text2, merged.text2, base.text2);
        expectClose(tag + " pooled", runTime.pooled2, merged.pooled2, base.pooled2);
    }

    md::detachLoras(*runTimeModel, 1);
    AdapterScales scales({0.0f, weight});
    EXPECT_TRUE(torch::equal(run(*runTimeModel).unet, base.unet));
}

} // namespace

TEST(LoraAttachment, Sd15KohyaRunTimeEqualsMerged)
{
    md::test::TestLoraOptions options;
    options.alpha = 2.0f;
    expectRunTimeEqualsMerged("tiny-sd15", options, 0.8f);
}

TEST(LoraAttachment, Sd15PeftRunTimeEqualsMerged)
{
    md::test::TestLoraOptions options;
    options.naming = TestLoraNaming::Peft;
    expectRunTimeEqualsMerged("tiny-sd15", options, 1.0f);
}

TEST(LoraAttachment, Sd15LoConCpAndDoraRunTimeEqualsMerged)
{
    md::test::TestLoraOptions options;
    options.resnetConvs = true;
    options.cp = true;
    options.dora = true;
    options.alpha = 8.0f;
    expectRunTimeEqualsMerged("tiny-sd15", options, 0.6f);
    options.cp = false;
    options.naming = TestLoraNaming::Peft;
    expectRunTimeEqualsMerged("tiny-sd15", options, -0.5f);
}

TEST(LoraAttachment, SdxlKohyaRunTimeEqualsMerged)
{
    md::test::TestLoraOptions options;
    options.alpha = 1.0f;
    options.resnetConvs = true;
    expectRunTimeEqualsMerged("sdxl/tiny-sdxl", options, 1.2f);
}

TEST(LoraAttachment, SdxlPeftRunTimeEqualsMerged)
{
    md::test::TestLoraOptions options;
    options.naming = TestLoraNaming::Peft;
    expectRunTimeEqualsMerged("sdxl/tiny-sdxl", options, 0.7f);
}

TEST(LoraAttachment, EmbeddedModelRunTimeEqualsMerged)
{
    // The embedded model (layers_per_block 1, linear projections, sentencepiece): kohya names
    // resolve against its own layers; what the project's LoRA trainer works on.
    md::test::TestLoraOptions options;
    options.alpha = 4.0f;
    options.resnetConvs = true;
    expectRunTimeEqualsMerged(md::test::sourcePath("resources/models/mds-tiny"), options, 1.0f);
}

TEST(LoraAttachment, AnEmbeddedModelLoraIsRefusedBySd15)
{
    // What `mdtrain lora` writes (ss_sd_model_name "mds-tiny"): family "embedded".
    auto embedded = md::test::freshFixtureModel(md::test::sourcePath("resources/models/mds-tiny"));
    auto sd15 = md::test::freshFixtureModel("tiny-sd15");
    md::test::TestLoraOptions options;
    options.metadata = {{"ss_sd_model_name", "mds-tiny"}};
    const std::string path = md::test::tempPath("embedded-concept.safetensors");
    ASSERT_TRUE(md::test::writeTestLora(path, md::test::loraTargetsOf(*embedded), options));
    auto file = md::lora::LoraFile::read(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ(file->family(), "embedded");
    const auto status = md::attachLora(*sd15, *file, 0);
    ASSERT_FALSE(status);
    EXPECT_NE(status.message().find("embedded"), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("SD 1.x"), std::string::npos) << status.message();
    auto own = md::readLoraFor(*embedded, path);
    ASSERT_TRUE(own) << own.error();
    EXPECT_TRUE(md::attachLora(*embedded, *own, 0));
}

TEST(LoraAttachment, AnotherFamilyIsRefused)
{
    auto sd15 = md::test::freshFixtureModel("tiny-sd15");
    auto sdxl = md::test::freshFixtureModel("sdxl/tiny-sdxl");
    const std::string path = md::test::tempPath("sd15-for-sdxl.safetensors");
    ASSERT_TRUE(md::test::writeTestLora(path, md::test::loraTargetsOf(*sd15)));
    for (bool own : {false, true}) {
        auto file = own ? md::readLoraFor(*sdxl, path) : md::lora::LoraFile::read(path);
        ASSERT_TRUE(file) << file.error();
        EXPECT_EQ(file->family(), "SD 1.x");
        const auto status = md::attachLora(*sdxl, *file, 0);
        ASSERT_FALSE(status);
        EXPECT_NE(status.message().find("SD 1.x"), std::string::npos) << status.message();
        EXPECT_NE(status.message().find("SDXL"), std::string::npos) << status.message();
        EXPECT_FALSE(md::mergeLora(*sdxl, *file, 1.0f, 1.0f));
    }
    // Nothing was attached.
    auto& layers = *sdxl->unetModule();
    for (const auto& m : layers.modules(false)) {
        if (auto* linear = dynamic_cast<md::nn::LinearLayerImpl*>(m.get())) {
            EXPECT_TRUE(linear->adapters.empty());
        }
    }
}

TEST(LoraAttachment, ShapeMismatchNamesTheModule)
{
    auto model = md::test::freshFixtureModel("tiny-sd15");
    const std::string module = "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q";
    const std::string path = md::test::tempPath("wrong-shape.safetensors");
    ASSERT_TRUE(md::writeSafetensors(
        path,
        {{module + ".lora_A.weight", torch::zeros({2, 48})},
         {module + ".lora_B.weight", torch::zeros({32, 2})},
         {"unet.mid_block.attentions.0.proj_in.lora_A.weight", torch::zeros({2, 64, 1, 1})},
         {"unet.mid_block.attentions.0.proj_in.lora_B.weight", torch::zeros({64, 2, 1, 1})}}));
    auto file = md::readLoraFor(*model, path);
    ASSERT_TRUE(file) << file.error();
    const auto status = md::attachLora(*model, *file, 0);
    ASSERT_FALSE(status);
    EXPECT_NE(status.message().find(module), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("[2, 48]"), std::string::npos) << status.message();
    // Atomic: the module that fits was not attached either.
    torch::NoGradGuard noGrad;
    auto sample = torch::randn({1, 4, 8, 8});
    auto context = torch::randn({1, 5, 32});
    auto before = model->unet(sample, torch::tensor({10.0f}), context);
    AdapterScales scales({1.0f});
    EXPECT_TRUE(torch::equal(model->unet(sample, torch::tensor({10.0f}), context), before));
}

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/common/TestLoraFile.h"
#include "engine/lora/LoraTestSupport.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

// Engine::inspectLora: what the LoRA browser shows, from the header alone.

TEST(InspectLora, KohyaFileWithMetadata)
{
    auto model = md::test::freshFixtureModel("tiny-sd15");
    md::test::TestLoraOptions options;
    options.rank = 6;
    options.metadata = {
        {"ss_tag_frequency",
         R"({"10_red": {"red hat": 5, " cat": 3, "tree": 1}, "5_misc": {"cat": 4, "dog": 2, "tree": 1}})"},
        {"ss_base_model_version", "sd_v1"},
        {"ss_sd_model_name", "v1-5-pruned.safetensors"}};
    options.extraTensors = {{"lora_unet_not_a_module.lora_down.weight", torch::zeros({6, 4})}};
    const std::string path = md::test::tempPath("red_hat_v2.safetensors");
    auto written = md::test::writeTestLora(path, md::test::loraTargetsOf(*model), options);
    ASSERT_TRUE(written) << written.error();

    auto info = md::Engine::inspectLora(path);
    ASSERT_TRUE(info) << info.error();
    EXPECT_EQ(info->path, path);
    EXPECT_EQ(info->name, "red_hat_v2");
    EXPECT_EQ(info->family, "SD 1.x");
    EXPECT_EQ(info->format, "kohya");
    EXPECT_EQ(info->rank, 6);
    int unet = 0;
    int text = 0;
    for (const auto& p : *written)
        (p.rfind("unet.", 0) == 0 ? unet : text) += 1;
    EXPECT_EQ(info->unetModules, unet);
    EXPECT_EQ(info->textEncoderModules, text);
    EXPECT_GT(text, 0);
    EXPECT_EQ(info->unknownKeys, 1);
    // cat 3 + 4, red hat 5, tree 1 + 1, dog 2 (ties alphabetical).
    EXPECT_EQ(info->triggerWords, (std::vector<std::string>{"cat", "red hat", "dog", "tree"}));
    EXPECT_EQ(info->baseModel, "sd_v1");
}

TEST(InspectLora, PeftSdxlWithoutMetadata)
{
    auto model = md::test::freshFixtureModel("sdxl/tiny-sdxl");
    md::test::TestLoraOptions options;
    options.naming = md::test::TestLoraNaming::Peft;
    options.dora = true;
    options.metadata = {{"modelspec.architecture", "stable-diffusion-xl-v1-base/lora"},
                        {"ss_tag_frequency", "not json"}};
    const std::string path = md::test::tempPath("style.safetensors");
    ASSERT_TRUE(md::test::writeTestLora(path, md::test::loraTargetsOf(*model), options));
    auto info = md::Engine::inspectLora(path);
    ASSERT_TRUE(info) << info.error();
    EXPECT_EQ(info->family, "SDXL");
    EXPECT_EQ(info->format, "PEFT/diffusers, DoRA");
    EXPECT_EQ(info->rank, 4);
    EXPECT_TRUE(info->triggerWords.empty());
    EXPECT_EQ(info->baseModel, "stable-diffusion-xl-v1-base/lora");
    EXPECT_EQ(info->unknownKeys, 0);
}

TEST(InspectLora, ErrorsNameTheFile)
{
    auto missing = md::Engine::inspectLora(md::test::tempPath("no-such-lora.safetensors"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("no-such-lora"), std::string::npos) << missing.error();
    auto checkpoint = md::Engine::inspectLora(md::test::fixturePath("tiny-sd15.safetensors"));
    ASSERT_FALSE(checkpoint);
    EXPECT_NE(checkpoint.error().find("not a LoRA"), std::string::npos) << checkpoint.error();
}

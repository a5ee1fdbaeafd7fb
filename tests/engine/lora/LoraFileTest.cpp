#include "engine/lora/LoraFile.h"

#include "engine/common/Fixtures.h"
#include "engine/common/TestLoraFile.h"
#include "engine/io/SafetensorsWriter.h"
#include "engine/lora/LoraTestSupport.h"
#include "engine/pipeline/ModelLoras.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <torch/torch.h>

// Reading LoRA files: every format resolves to our module paths; what does not resolve is
// reported; the family comes from the keys and shapes.

using md::lora::LoraFile;

namespace {

std::set<std::string> pathsOf(const LoraFile& file)
{
    std::set<std::string> out;
    for (const auto& m : file.modules())
        out.insert(m.path);
    return out;
}

std::shared_ptr<md::StableDiffusionModel> sd15()
{
    static auto model = md::test::freshFixtureModel("tiny-sd15");
    return model;
}

std::shared_ptr<md::StableDiffusionModel> sdxl()
{
    static auto model = md::test::freshFixtureModel("sdxl/tiny-sdxl");
    return model;
}

// A file of hand-written keys: rank-2 weights [2, in] / [out, 2].
std::string writeKeys(const std::string& name,
                      const std::vector<std::pair<std::string, std::vector<int64_t>>>& keys)
{
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [key, shape] : keys)
        tensors.emplace_back(key, torch::randn(shape));
    const std::string path = md::test::tempPath(name);
    EXPECT_TRUE(md::writeSafetensors(path, tensors));
    return path;
}

} // namespace

TEST(LoraFile, KohyaAndPeftResolveToTheModelsLayers)
{
    auto model = sd15();
    for (auto naming : {md::test::TestLoraNaming::Kohya, md::test::TestLoraNaming::Peft}) {
        md::test::TestLoraOptions options;
        options.naming = naming;
        options.alpha = naming == md::test::TestLoraNaming::Kohya ? 2.0f : 0.0f;
        const std::string path = md::test::tempPath("lora-sd15.safetensors");
        auto written = md::test::writeTestLora(path, md::test::loraTargetsOf(*model), options);
        ASSERT_TRUE(written) << written.error();
        ASSERT_GT(written->size(), 40u);
        const std::set<std::string> expected(written->begin(), written->end());
        // Against the standard table (no model) and the model's own layers: the same modules.
        for (bool own : {false, true}) {
            auto file = own ? md::readLoraFor(*model, path) : LoraFile::read(path);
            ASSERT_TRUE(file) << file.error();
            EXPECT_EQ(pathsOf(*file), expected);
            EXPECT_TRUE(file->unknownKeys().empty()) << file->unknownKeysNote();
            EXPECT_EQ(file->family(), "SD 1.x");
            EXPECT_EQ(file->rank(), 4);
            EXPECT_EQ(file->format(),
                      naming == md::test::TestLoraNaming::Kohya ? "kohya" : "PEFT/diffusers");
            for (const auto& m : file->modules())
                EXPECT_DOUBLE_EQ(m.alphaOverRank, options.alpha > 0 ? 0.5 : 1.0) << m.path;
        }
        EXPECT_TRUE(expected.count("unet.down_blocks.0.attentions.0.proj_in"));
        EXPECT_TRUE(
            expected.count("unet.mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj"));
        EXPECT_TRUE(expected.count("text_encoder.text_model.encoder.layers.2.self_attn.out_proj"));
    }
}

TEST(LoraFile, LoConCpAndDoraAreRead)
{
    auto model = sd15();
    md::test::TestLoraOptions options;
    options.resnetConvs = true;
    options.cp = true;
    options.dora = true;
    const std::string path = md::test::tempPath("locon-sd15.safetensors");
    auto written = md::test::writeTestLora(path, md::test::loraTargetsOf(*model), options);
    ASSERT_TRUE(written) << written.error();
    auto file = LoraFile::read(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ(file->format(), "LoCon/LyCORIS, DoRA");
    bool sawMid = false;
    for (const auto& m : file->modules()) {
        EXPECT_TRUE(m.doraScale.defined()) << m.path;
        if (m.path == "unet.down_blocks.1.resnets.0.conv1") {
            ASSERT_TRUE(m.mid.defined());
            EXPECT_EQ(m.mid.sizes(), torch::IntArrayRef({4, 4, 3, 3}));
            sawMid = true;
        }
    }
    EXPECT_TRUE(sawMid);
}

TEST(LoraFile, UnknownKeysAreReportedNotDropped)
{
    auto model = sd15();
    md::test::TestLoraOptions options;
    options.extraTensors = {
        {"lora_unet_down_blocks_9_nothing_here.lora_down.weight", torch::zeros({4, 8})},
        {"lora_unet_down_blocks_9_nothing_here.lora_up.weight", torch::zeros({8, 4})},
        {"lora_unet_down_blocks_0_attentions_0_proj_in.hada_w1_a", torch::zeros({4, 4})},
        {"unet.down_blocks.0.attentions.0.proj_out.lora_A.weight", torch::zeros({4, 32})}};
    const std::string path = md::test::tempPath("unknown-keys.safetensors");
    auto written = md::test::writeTestLora(path, md::test::loraTargetsOf(*model), options);
    ASSERT_TRUE(written) << written.error();
    auto file = md::readLoraFor(*model, path);
    ASSERT_TRUE(file) << file.error();
    // The PEFT proj_out down duplicates the kohya module: reported too.
    EXPECT_EQ(file->unknownKeys().size(), 4u) << file->unknownKeysNote();
    EXPECT_EQ(file->modules().size(), written->size());
    EXPECT_NE(file->unknownKeysNote().find("4 unknown tensors"), std::string::npos);
    EXPECT_NE(file->unknownKeysNote().find("hada_w1_a"), std::string::npos);
}

TEST(LoraFile, OlderDiffusersFormsAndBarePaths)
{
    const std::string attn = "down_blocks.0.attentions.0.transformer_blocks.0.attn1";
    auto path = writeKeys(
        "diffusers-forms.safetensors",
        {{"unet." + attn + ".processor.to_q_lora.down.weight", {2, 32}},
         {"unet." + attn + ".processor.to_q_lora.up.weight", {32, 2}},
         {"unet." + attn + ".processor.to_out_lora.down.weight", {2, 32}},
         {"unet." + attn + ".processor.to_out_lora.up.weight", {32, 2}},
         {"unet." + attn + ".to_k.lora.down.weight", {2, 32}},
         {"unet." + attn + ".to_k.lora.up.weight", {32, 2}},
         {"base_model.model." + attn + ".to_v.lora_A.weight", {2, 32}},
         {"base_model.model." + attn + ".to_v.lora_B.weight", {32, 2}},
         {"text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight",
          {2, 32}},
         {"text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.up.weight",
          {32, 2}},
         {"text_model.encoder.layers.1.mlp.fc1.lora_A.weight", {2, 32}},
         {"text_model.encoder.layers.1.mlp.fc1.lora_B.weight", {64, 2}}});
    auto model = sd15();
    auto file = md::readLoraFor(*model, path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_TRUE(file->unknownKeys().empty()) << file->unknownKeysNote();
    const std::set<std::string> expected = {
        "unet." + attn + ".to_q",
        "unet." + attn + ".to_out.0",
        "unet." + attn + ".to_k",
        "unet." + attn + ".to_v",
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj",
        "text_encoder.text_model.encoder.layers.1.mlp.fc1"};
    EXPECT_EQ(pathsOf(*file), expected);
    EXPECT_EQ(file->format(), "PEFT/diffusers");
    EXPECT_TRUE(md::attachLora(*model, *file, 0));
    md::detachLoras(*model);
}

TEST(LoraFile, KohyaSdxlLdmNamesMapToDiffusersModules)
{
    // kohya's SDXL UNet names follow the LDM layout (layers_per_block 2).
    auto path = writeKeys(
        "kohya-sdxl-ldm.safetensors",
        {{"lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight", {2, 64}},
         {"lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight", {64, 2}},
         {"lora_unet_input_blocks_4_1_transformer_blocks_1_attn2_to_k.lora_down.weight", {2, 2048}},
         {"lora_unet_input_blocks_4_1_transformer_blocks_1_attn2_to_k.lora_up.weight", {64, 2}},
         {"lora_unet_middle_block_1_transformer_blocks_9_ff_net_2.lora_down.weight", {2, 64}},
         {"lora_unet_middle_block_1_transformer_blocks_9_ff_net_2.lora_up.weight", {64, 2}},
         {"lora_unet_output_blocks_0_1_proj_in.lora_down.weight", {2, 64}},
         {"lora_unet_output_blocks_0_1_proj_in.lora_up.weight", {64, 2}},
         {"lora_unet_input_blocks_1_0_in_layers_2.lora_down.weight", {2, 32, 3, 3}},
         {"lora_unet_input_blocks_1_0_in_layers_2.lora_up.weight", {32, 2, 1, 1}},
         {"lora_unet_output_blocks_2_2_conv.lora_down.weight", {2, 64, 3, 3}},
         {"lora_unet_output_blocks_2_2_conv.lora_up.weight", {64, 2, 1, 1}},
         {"lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", {2, 32}},
         {"lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight", {32, 2}},
         {"lora_te2_text_model_encoder_layers_2_mlp_fc2.lora_down.weight", {2, 80}},
         {"lora_te2_text_model_encoder_layers_2_mlp_fc2.lora_up.weight", {32, 2}}});
    auto file = LoraFile::read(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_TRUE(file->unknownKeys().empty()) << file->unknownKeysNote();
    const std::set<std::string> expected = {
        "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q",
        "unet.down_blocks.1.attentions.0.transformer_blocks.1.attn2.to_k",
        "unet.mid_block.attentions.0.transformer_blocks.9.ff.net.2",
        "unet.up_blocks.0.attentions.0.proj_in",
        "unet.down_blocks.0.resnets.0.conv1",
        "unet.up_blocks.0.upsamplers.0.conv",
        "text_encoder.text_model.encoder.layers.0.self_attn.q_proj",
        "text_encoder_2.text_model.encoder.layers.2.mlp.fc2"};
    EXPECT_EQ(pathsOf(*file), expected);
    EXPECT_EQ(file->family(), "SDXL");
    EXPECT_EQ(file->format(), "LoCon/LyCORIS");
}

TEST(LoraFile, FamilyFromContextWidthAndStructure)
{
    const std::string k = "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k";
    for (auto [context, family] : std::vector<std::pair<int64_t, std::string>>{
             {768, "SD 1.x"}, {1024, "SD 2.x"}, {2048, "SDXL"}}) {
        auto path = writeKeys("family.safetensors", {{k + ".lora_down.weight", {2, context}},
                                                     {k + ".lora_up.weight", {640, 2}}});
        auto file = LoraFile::read(path);
        ASSERT_TRUE(file) << file.error();
        EXPECT_EQ(file->family(), family) << context;
    }
    // Narrow fixture LoRAs: from their structure.
    md::test::TestLoraOptions unetOnly;
    unetOnly.textEncoders = false;
    unetOnly.naming = md::test::TestLoraNaming::Peft;
    const std::string path = md::test::tempPath("sdxl-unet-only.safetensors");
    ASSERT_TRUE(md::test::writeTestLora(path, md::test::loraTargetsOf(*sdxl()), unetOnly));
    auto file = LoraFile::read(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ(file->family(), "SDXL");
}

TEST(LoraFile, ACheckpointIsNotALora)
{
    auto file = LoraFile::read(md::test::fixturePath("tiny-sd15.safetensors"));
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().find("not a LoRA"), std::string::npos) << file.error();
    EXPECT_NE(file.error().find("tiny-sd15.safetensors"), std::string::npos) << file.error();
}

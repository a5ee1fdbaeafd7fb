#include "training/LoraTrainer.h"

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

// A few steps on the embedded model at 64 x 64 (8 x 8 latents): seconds on a CPU.
LoraTrainOptions smallRun()
{
    LoraTrainOptions o;
    o.model = test::sourcePath("resources/models/mds-tiny");
    o.imageSize = 64;
    o.samples = 8;
    o.batch = 4;
    o.steps = 6;
    o.lr = 1e-2;
    o.warmupSteps = 1;
    o.data.style.periodPixels = 16;
    o.seed = 3;
    return o;
}

TEST(LoraTrainer, AdaptsTheAttentionProjectionsOnly)
{
    LoraTrainer trainer(smallRun());
    ASSERT_TRUE(trainer.prepare().isOk());
    // mds-tiny: transformer blocks in down 2, 3, mid, up 0 (2), up 1 (2) = 7, each with
    // attn1 and attn2 and 4 projections.
    EXPECT_EQ(trainer.adaptedLayers(), 7 * 2 * 4);
    bool crossKey = false;
    for (const LoraTarget& t : trainer.targets()) {
        EXPECT_EQ(t.key.rfind("lora_unet_", 0), 0u) << t.key;
        EXPECT_EQ(t.key.find('.'), std::string::npos) << t.key;
        ASSERT_NE(t.linear, nullptr) << t.key;
        EXPECT_EQ(t.down.size(0), 4);
        EXPECT_EQ(t.up.size(1), 4);
        EXPECT_TRUE(torch::equal(t.up, torch::zeros_like(t.up))) << "training starts at the base";
        crossKey |= t.key == "lora_unet_down_blocks_2_attentions_0_transformer_blocks_0_attn2_to_k";
    }
    EXPECT_TRUE(crossKey);
    LoraTrainOptions conv = smallRun();
    conv.targets.convolutions = true;
    conv.textEncoder = true;
    LoraTrainer wider(conv);
    ASSERT_TRUE(wider.prepare().isOk());
    int convs = 0, text = 0;
    for (const LoraTarget& t : wider.targets()) {
        convs += t.conv != nullptr;
        text += t.key.rfind("lora_te_text_model_encoder_layers_", 0) == 0;
    }
    EXPECT_GT(convs, 0);
    EXPECT_EQ(text, 4 * 4); // mds-tiny's text encoder: 4 layers, q/k/v/out_proj
}

TEST(LoraTrainer, LossFallsAndOnlyTheAdaptersChange)
{
    LoraTrainer trainer(smallRun());
    ASSERT_TRUE(trainer.prepare().isOk());
    const double before = trainer.evaluate();
    for (int i = 0; i < 6; ++i)
        trainer.step();
    const double after = trainer.evaluate();
    EXPECT_LT(after, before * 0.97) << "before " << before << " after " << after;
    // Every value / output projection learnt something (queries and keys of self-attention
    // over a single token, at the 1 x 1 level of an 8 x 8 latent, get no gradient), and the
    // base weights stay frozen.
    for (const LoraTarget& t : trainer.targets()) {
        const bool valueOrOut = t.key.find("_to_v") != std::string::npos ||
                                t.key.find("_to_out_0") != std::string::npos;
        if (valueOrOut) {
            EXPECT_FALSE(torch::equal(t.up, torch::zeros_like(t.up))) << t.key;
        }
        EXPECT_FALSE(t.linear->weight.requires_grad()) << t.key;
    }
}

TEST(LoraTrainer, SeededRunsAreIdentical)
{
    LoraTrainer a(smallRun()), b(smallRun());
    ASSERT_TRUE(a.prepare().isOk());
    ASSERT_TRUE(b.prepare().isOk());
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(a.step(), b.step()) << "step " << i;
    for (size_t i = 0; i < a.targets().size(); ++i) {
        EXPECT_TRUE(torch::equal(a.targets()[i].down, b.targets()[i].down));
        EXPECT_TRUE(torch::equal(a.targets()[i].up, b.targets()[i].up));
    }
}

TEST(LoraTrainer, ExportsAKohyaFileThatReadsBack)
{
    LoraTrainOptions o = smallRun();
    o.steps = 2;
    o.out = (std::filesystem::temp_directory_path() / "md-lora-export-test.safetensors").string();
    LoraTrainer trainer(o);
    ASSERT_TRUE(trainer.run().isOk());
    auto file = SafetensorsFile::open(o.out);
    ASSERT_TRUE(file.isOk()) << file.error();
    EXPECT_EQ((*file)->tensors().size(), trainer.targets().size() * 3);
    for (const LoraTarget& t : trainer.targets()) {
        auto down = (*file)->load(t.key + ".lora_down.weight");
        auto up = (*file)->load(t.key + ".lora_up.weight");
        auto alpha = (*file)->load(t.key + ".alpha");
        ASSERT_TRUE(down.isOk() && up.isOk() && alpha.isOk()) << t.key;
        EXPECT_TRUE(torch::equal(*down, t.down.detach())) << t.key;
        EXPECT_TRUE(torch::equal(*up, t.up.detach())) << t.key;
        EXPECT_EQ(alpha->dim(), 0) << t.key;
        EXPECT_EQ(alpha->item<float>(), 4.0f) << t.key;
    }
    const auto& meta = (*file)->metadata();
    ASSERT_TRUE(meta.count("ss_tag_frequency"));
    auto tags = nlohmann::json::parse(meta.at("ss_tag_frequency"));
    ASSERT_TRUE(tags.contains("1_pvx"));
    EXPECT_TRUE(tags["1_pvx"].contains("pvx")) << tags.dump();
    EXPECT_EQ(meta.at("ss_network_dim"), "4");
    EXPECT_EQ(meta.at("ss_network_alpha"), "4");
    EXPECT_EQ(meta.at("ss_output_name"), "pvx-stripes");
    std::filesystem::remove(o.out);
}

} // namespace
} // namespace md

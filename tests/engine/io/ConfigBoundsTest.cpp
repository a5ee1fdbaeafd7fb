// Numbers read from a diffusers folder's config.json files are checked against sane bounds
// before any module is built (issue 17: `"norm_num_groups": 0` divided by zero, a huge
// `sample_size` overflowed the image size, a zero scaling factor or a beta of 2 made black
// images without a word).

#include "engine/io/ConfigBounds.h"

#include "engine/io/DiffusersConfig.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace md {
namespace {

using nlohmann::json;

json unet()
{
    return {{"block_out_channels", {32, 64}},
            {"down_block_types", {"CrossAttnDownBlock2D", "DownBlock2D"}},
            {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D"}},
            {"norm_num_groups", 32},
            {"cross_attention_dim", 32},
            {"attention_head_dim", 8},
            {"sample_size", 32}};
}

json vae()
{
    return {{"block_out_channels", {16, 32}}, {"norm_num_groups", 8}, {"scaling_factor", 0.18}};
}

json scheduler()
{
    return {{"beta_start", 0.00085}, {"beta_end", 0.012}, {"num_train_timesteps", 1000}};
}

template <typename Fn> std::string refusal(Fn read, const json& j)
{
    auto r = read(j, "config.json");
    return r ? std::string() : r.status().message();
}

TEST(ConfigBounds, SaneConfigsLoad)
{
    EXPECT_TRUE(unetConfigFromJson(unet(), "unet/config.json"));
    EXPECT_TRUE(vaeConfigFromJson(vae(), "vae/config.json"));
    EXPECT_TRUE(schedulerConfigFromJson(scheduler(), "scheduler/scheduler_config.json"));
}

TEST(ConfigBounds, GroupsMustBePositiveAndDivideTheChannels)
{
    for (int groups : {0, -1, 5}) {
        json u = unet();
        u["norm_num_groups"] = groups;
        EXPECT_NE(refusal(unetConfigFromJson, u).find("norm_num_groups"), std::string::npos)
            << groups;
        json v = vae();
        v["norm_num_groups"] = groups;
        EXPECT_NE(refusal(vaeConfigFromJson, v).find("norm_num_groups"), std::string::npos)
            << groups;
    }
}

TEST(ConfigBounds, SizesOutsideTheirRangeAreRefused)
{
    json u = unet();
    u["sample_size"] = 1000000000;
    EXPECT_NE(refusal(unetConfigFromJson, u).find("sample_size"), std::string::npos);
    u = unet();
    u["sample_size"] = 0;
    EXPECT_NE(refusal(unetConfigFromJson, u).find("sample_size"), std::string::npos);
    u = unet();
    u["layers_per_block"] = 0;
    EXPECT_NE(refusal(unetConfigFromJson, u).find("layers_per_block"), std::string::npos);
    json v = vae();
    v["latent_channels"] = 0;
    EXPECT_NE(refusal(vaeConfigFromJson, v).find("latent_channels"), std::string::npos);
}

TEST(ConfigBounds, ScalingFactorMustBePositive)
{
    for (double f : {0.0, -0.5}) {
        json v = vae();
        v["scaling_factor"] = f;
        EXPECT_NE(refusal(vaeConfigFromJson, v).find("scaling_factor"), std::string::npos) << f;
    }
}

TEST(ConfigBounds, BetasMustBeAValidRange)
{
    json s = scheduler();
    s["beta_end"] = 2.0;
    EXPECT_NE(refusal(schedulerConfigFromJson, s).find("beta_end"), std::string::npos);
    s = scheduler();
    s["beta_start"] = 0.02;
    EXPECT_NE(refusal(schedulerConfigFromJson, s).find("beta_start"), std::string::npos);
    s = scheduler();
    s["beta_start"] = 0.0;
    EXPECT_NE(refusal(schedulerConfigFromJson, s).find("beta_start"), std::string::npos);
}

// The last check before modules are built, whatever the config came from (a single file's
// shapes with the default 32 groups, sibling configs, overrides).
TEST(ConfigBounds, WholeModelConfigIsCheckedWhateverItsSource)
{
    const auto refusal = [](const ModelConfig& c) {
        Status s = checkConfigBounds(c, "model.safetensors");
        return s ? std::string() : s.message();
    };
    ModelConfig sane;
    EXPECT_EQ(refusal(sane), "");
    ModelConfig c = sane;
    c.vae.blockOutChannels = {48, 48};
    EXPECT_NE(refusal(c).find("vae norm_num_groups 32 does not divide a block of 48 channels"),
              std::string::npos)
        << refusal(c);
    c = sane;
    c.unet.normNumGroups = 0;
    EXPECT_NE(refusal(c).find("unet norm_num_groups is 0"), std::string::npos) << refusal(c);
    c = sane;
    c.unet.sampleSize = 0;
    EXPECT_NE(refusal(c).find("unet sample_size is 0"), std::string::npos) << refusal(c);
    c = sane;
    c.unet.numHeads = {8, 8, 7, 8};
    EXPECT_NE(refusal(c).find("7 attention heads do not divide"), std::string::npos) << refusal(c);
    c = sane;
    c.vae.blockOutChannels.assign(33, 128); // 1 << 32 would overflow the VAE factor
    EXPECT_NE(refusal(c).find("vae block count"), std::string::npos) << refusal(c);
    c = sane;
    c.vae.scalingFactor = 0.0;
    EXPECT_NE(refusal(c).find("vae scaling_factor"), std::string::npos) << refusal(c);
    c = sane;
    c.textEncoder.numAttentionHeads = 0;
    EXPECT_NE(refusal(c).find("text_encoder num_attention_heads is 0"), std::string::npos)
        << refusal(c);
    c = sane;
    c.scheduler.betaEnd = 2.0;
    EXPECT_NE(refusal(c).find("beta_end"), std::string::npos) << refusal(c);
    EXPECT_EQ(refusal(c).rfind("model.safetensors: ", 0), 0u) << refusal(c);
}

// The UNet takes the latents (4 channels) or, as an inpainting model, the latents, the mask
// and the masked image's latents (9); any other input width has nothing to feed it.
TEST(ConfigBounds, UNetInputIsTheLatentsOrTheInpaintingNine)
{
    const auto refusal = [](const ModelConfig& c) {
        Status s = checkConfigBounds(c, "model");
        return s ? std::string() : s.message();
    };
    ModelConfig c;
    for (int in : {4, 9}) {
        c.unet.inChannels = in;
        EXPECT_EQ(refusal(c), "") << in;
    }
    for (int in : {3, 5, 7, 8, 13}) {
        c.unet.inChannels = in;
        EXPECT_NE(refusal(c).find("unet in_channels is " + std::to_string(in) +
                                  "; with 4 latent channels it must be 4 (a text-to-image "
                                  "model) or 9 (an inpainting model"),
                  std::string::npos)
            << refusal(c);
    }
    c = ModelConfig();
    c.unet.outChannels = 8;
    EXPECT_NE(refusal(c).find("unet out_channels is 8 but the vae has 4 latent channels"),
              std::string::npos)
        << refusal(c);
    // The rule follows the VAE: 16 latent channels take 16 or 33.
    c = ModelConfig();
    c.vae.latentChannels = 16;
    c.unet.outChannels = 16;
    c.unet.inChannels = 33;
    EXPECT_EQ(refusal(c), "");
}

TEST(ConfigBounds, IntegersBeyondIntAreRefusedNotWrapped)
{
    json u = unet();
    u["sample_size"] = 4294967360LL; // wraps to 64 as an int
    EXPECT_NE(refusal(unetConfigFromJson, u).find("\"sample_size\" is 4294967360"),
              std::string::npos)
        << refusal(unetConfigFromJson, u);
    u = unet();
    u["block_out_channels"] = json::array({32, 4294967328LL});
    EXPECT_NE(refusal(unetConfigFromJson, u).find("block_out_channels"), std::string::npos);
}

} // namespace
} // namespace md

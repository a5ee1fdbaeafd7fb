// Numbers read from a diffusers folder's config.json files are checked against sane bounds
// before any module is built (issue 17: `"norm_num_groups": 0` divided by zero, a huge
// `sample_size` overflowed the image size, a zero scaling factor or a beta of 2 made black
// images without a word).

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

} // namespace
} // namespace md

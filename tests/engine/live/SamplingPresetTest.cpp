// Sampling presets (core/engine/SamplingPreset.h): what "Live (4 steps)" and "Quality" set.

#include "engine/SamplingPreset.h"

#include <gtest/gtest.h>

namespace {

TEST(SamplingPreset, LivePresetIsFourLcmStepsWithoutGuidance)
{
    md::ModelInfo plain;
    const auto live = md::samplingPreset(plain, "live");
    ASSERT_TRUE(live.has_value());
    EXPECT_EQ(live->label, "Live (4 steps)");
    EXPECT_EQ(live->sampler, md::SamplerKind::Lcm);
    EXPECT_EQ(live->steps, 4);
    EXPECT_LE(live->cfg, 1.0f);
    EXPECT_EQ(live->modelVariant, ""); // no few-step variant in this model
}

TEST(SamplingPreset, LivePresetAsksForTheLcmVariantWhereTheModelHasOne)
{
    md::ModelInfo embedded;
    embedded.variants = {"fp16", "lcm"};
    EXPECT_EQ(md::samplingPreset(embedded, "live")->modelVariant, "lcm");
    EXPECT_EQ(md::samplingPreset(embedded, "quality")->modelVariant, "");
}

TEST(SamplingPreset, ApplySetsSamplerStepsCfgAndSpacing)
{
    md::GenerateRequest r;
    r.timestepSpacing = "trailing";
    const auto quality = md::samplingPreset(md::ModelInfo{}, "quality");
    ASSERT_TRUE(quality.has_value());
    md::applyPreset(*quality, r);
    EXPECT_EQ(r.sampler, md::SamplerKind::DpmPp2mKarras);
    EXPECT_EQ(r.steps, 25);
    EXPECT_FLOAT_EQ(r.cfg, 7.0f);
    EXPECT_EQ(r.timestepSpacing, "");
    md::applyPreset(*md::samplingPreset(md::ModelInfo{}, "live"), r);
    EXPECT_EQ(r.sampler, md::SamplerKind::Lcm);
    EXPECT_EQ(r.steps, 4);
    EXPECT_FALSE(md::samplingPreset(md::ModelInfo{}, "turbo").has_value());
}

} // namespace

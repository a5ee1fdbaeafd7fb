#include "engine/common/Fixtures.h"
#include "engine/io/DiffusersConfig.h"
#include "engine/nn/ModelFactory.h"
#include "training/DiffusionTrainer.h"
#include "training/EmbeddedModelSpec.h"
#include "training/ModuleWeights.h"
#include "training/SceneGenerator.h"
#include "training/VaeTrainer.h"

#include <gtest/gtest.h>

namespace md {
namespace {

EmbeddedModelSpec micro()
{
    auto spec = EmbeddedModelSpec::preset("micro");
    EXPECT_TRUE(spec.isOk()) << spec.error();
    return *spec;
}

// Three optimiser steps on one batch lower the VAE's loss on that batch.
TEST(TrainingSmoke, VaeLossDecreases)
{
    torch::manual_seed(1);
    const EmbeddedModelSpec spec = micro();
    auto vae = nn::createVae(spec.config.vae);
    ASSERT_TRUE(vae.isOk()) << vae.error();
    TrainOptions options;
    SceneGenerator gen(spec.nativeSize, 3);
    auto images = gen.batch(0, 4).images;
    VaeTrainer trainer(*vae, options);
    torch::manual_seed(2);
    const double before = trainer.evaluate(images).total;
    for (int i = 0; i < 3; ++i)
        trainer.step(images, 3e-3);
    torch::manual_seed(2);
    const double after = trainer.evaluate(images).total;
    EXPECT_LT(after, before * 0.97) << "before " << before << " after " << after;
}

// Three steps of the UNet + text encoder lower the epsilon loss at fixed timesteps/noise.
TEST(TrainingSmoke, DiffusionLossDecreases)
{
    torch::manual_seed(3);
    const EmbeddedModelSpec spec = micro();
    auto unet = nn::createUNet(spec.config.unet);
    auto text = nn::createTextEncoder(spec.config.textEncoder);
    ASSERT_TRUE(unet.isOk()) << unet.error();
    ASSERT_TRUE(text.isOk()) << text.error();
    TrainOptions options;
    options.emaDecay = 0.5;
    options.minSnrGamma = 0; // plain MSE, so train and evaluate measure the same thing
    options.noiseOffset = 0;
    DiffusionTrainer trainer(*unet, *text, spec.config.scheduler, options, torch::kCPU);
    const int s = spec.config.unet.sampleSize;
    auto latents = torch::randn({4, 4, s, s}) * 0.5 + 0.3;
    auto ids =
        torch::randint(4, 64, {4, spec.config.textEncoder.maxPositionEmbeddings}, torch::kLong);
    auto t = torch::tensor({100, 300, 500, 700}, torch::kLong);
    auto noise = torch::randn_like(latents);
    const double before = trainer.evaluate(latents, ids, t, noise);
    for (int i = 0; i < 3; ++i) {
        torch::manual_seed(10 + i);
        trainer.step(latents, ids, 3e-3);
        trainer.updateEma();
    }
    const double after = trainer.evaluate(latents, ids, t, noise);
    EXPECT_LT(after, before) << "before " << before << " after " << after;
    // The EMA differs from the live weights and swapping twice restores them.
    auto live = (*unet)->parameters()[0].detach().clone();
    trainer.swapEma();
    EXPECT_FALSE(torch::equal(live, (*unet)->parameters()[0]));
    trainer.swapEma();
    EXPECT_TRUE(torch::equal(live, (*unet)->parameters()[0]));
}

// The exported configs describe the preset exactly as the engine's config reader sees it.
TEST(EmbeddedModelSpec, ConfigsRoundTripThroughTheLoader)
{
    for (const char* name : {"mds-tiny", "micro"}) {
        auto spec = EmbeddedModelSpec::preset(name);
        ASSERT_TRUE(spec.isOk()) << spec.error();
        auto u = unetConfigFromJson(spec->unetJson(), name);
        ASSERT_TRUE(u.isOk()) << u.error();
        EXPECT_EQ(u->blockOutChannels, spec->config.unet.blockOutChannels);
        EXPECT_EQ(u->downBlockHasAttention, spec->config.unet.downBlockHasAttention);
        EXPECT_EQ(u->upBlockHasAttention, spec->config.unet.upBlockHasAttention);
        EXPECT_EQ(u->numHeads, spec->config.unet.numHeads);
        EXPECT_EQ(u->crossAttentionDim, spec->config.textEncoder.hiddenSize);
        EXPECT_EQ(u->normNumGroups, spec->config.unet.normNumGroups);
        EXPECT_EQ(u->sampleSize * spec->config.vae.scaleFactor(), spec->nativeSize);
        auto v = vaeConfigFromJson(spec->vaeJson(), name);
        ASSERT_TRUE(v.isOk()) << v.error();
        EXPECT_EQ(v->blockOutChannels, spec->config.vae.blockOutChannels);
        EXPECT_EQ(v->midBlockAddAttention, spec->config.vae.midBlockAddAttention);
        auto t = textEncoderConfigFromJson(spec->textEncoderJson(), name);
        ASSERT_TRUE(t.isOk()) << t.error();
        EXPECT_EQ(t->hiddenSize, spec->config.textEncoder.hiddenSize);
        EXPECT_EQ(t->eosTokenId, 3);
        auto s = schedulerConfigFromJson(spec->schedulerJson(), name);
        ASSERT_TRUE(s.isOk()) << s.error();
        EXPECT_EQ(s->betaSchedule, "scaled_linear");
        EXPECT_EQ(s->predictionType, "epsilon");
    }
    EXPECT_EQ(EmbeddedModelSpec::preset("mds-tiny")->config.vae.scaleFactor(), 8);
}

TEST(ModuleWeights, SaveLoadRoundTrip)
{
    torch::manual_seed(4);
    auto a = nn::createTextEncoder(micro().config.textEncoder);
    auto b = nn::createTextEncoder(micro().config.textEncoder);
    ASSERT_TRUE(a.isOk() && b.isOk());
    const std::string path = test::tempPath("module-weights.safetensors");
    ASSERT_TRUE(ModuleWeights::save(path, **a, torch::kFloat32, {{"k", "v"}}).isOk());
    ASSERT_TRUE(ModuleWeights::load(path, **b).isOk());
    auto pa = (*a)->named_parameters(), pb = (*b)->named_parameters();
    for (const auto& p : pa)
        EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
    auto meta = ModuleWeights::metadata(path);
    ASSERT_TRUE(meta.isOk());
    EXPECT_EQ(meta->at("k"), "v");
}

} // namespace
} // namespace md

// Synthetic models of several architectures, each written as a diffusers folder and as a
// single-file LDM checkpoint: both layouts must give the same architecture and the same
// tensors under every diffusers name, and those tensors must be the generated ones.

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/models/ModelTestSupport.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

namespace fs = std::filesystem;
using test::NamedTensors;

void expectSameConfig(const ModelConfig& a, const ModelConfig& b, bool sampleSizeToo)
{
    EXPECT_EQ(familyName(a.family), familyName(b.family));
    EXPECT_EQ(a.unet.inChannels, b.unet.inChannels);
    EXPECT_EQ(a.unet.outChannels, b.unet.outChannels);
    EXPECT_EQ(a.unet.blockOutChannels, b.unet.blockOutChannels);
    EXPECT_EQ(a.unet.downBlockHasAttention, b.unet.downBlockHasAttention);
    EXPECT_EQ(a.unet.upBlockHasAttention, b.unet.upBlockHasAttention);
    EXPECT_EQ(a.unet.layersPerBlock, b.unet.layersPerBlock);
    EXPECT_EQ(a.unet.numHeads, b.unet.numHeads);
    EXPECT_EQ(a.unet.crossAttentionDim, b.unet.crossAttentionDim);
    EXPECT_EQ(a.unet.useLinearProjection, b.unet.useLinearProjection);
    EXPECT_EQ(a.unet.upcastAttention, b.unet.upcastAttention);
    EXPECT_EQ(a.unet.transformerLayersPerBlock, b.unet.transformerLayersPerBlock);
    EXPECT_EQ(a.unet.midBlockHasAttention, b.unet.midBlockHasAttention);
    EXPECT_EQ(a.vae.blockOutChannels, b.vae.blockOutChannels);
    EXPECT_EQ(a.vae.layersPerBlock, b.vae.layersPerBlock);
    EXPECT_EQ(a.vae.latentChannels, b.vae.latentChannels);
    EXPECT_EQ(a.vae.scalingFactor, b.vae.scalingFactor);
    EXPECT_EQ(a.vae.scaleFactor(), b.vae.scaleFactor());
    EXPECT_EQ(a.textEncoder.vocabSize, b.textEncoder.vocabSize);
    EXPECT_EQ(a.textEncoder.hiddenSize, b.textEncoder.hiddenSize);
    EXPECT_EQ(a.textEncoder.intermediateSize, b.textEncoder.intermediateSize);
    EXPECT_EQ(a.textEncoder.numHiddenLayers, b.textEncoder.numHiddenLayers);
    EXPECT_EQ(a.textEncoder.numAttentionHeads, b.textEncoder.numAttentionHeads);
    EXPECT_EQ(a.textEncoder.hiddenAct, b.textEncoder.hiddenAct);
    EXPECT_EQ(a.textEncoder.eosTokenId, b.textEncoder.eosTokenId);
    EXPECT_EQ(a.textEncoder.hasProjection, b.textEncoder.hasProjection);
    EXPECT_EQ(a.scheduler.predictionType, b.scheduler.predictionType);
    EXPECT_EQ(a.defaultClipSkip, b.defaultClipSkip);
    if (sampleSizeToo) {
        EXPECT_EQ(a.unet.sampleSize, b.unet.sampleSize);
        EXPECT_EQ(a.scheduler.betaSchedule, b.scheduler.betaSchedule);
        EXPECT_EQ(a.scheduler.timestepSpacing, b.scheduler.timestepSpacing);
        EXPECT_EQ(a.scheduler.stepsOffset, b.scheduler.stepsOffset);
    }
}

// Same names in both sets; every tensor bit-identical (F32 folder vs F16 file of
// fp16-representable values) and equal to the generated one.
void expectSameTensors(const WeightSet& folder, const WeightSet& single,
                       const NamedTensors& generated)
{
    EXPECT_EQ(folder.names(), single.names()) << folder.component();
    EXPECT_EQ(folder.size(), generated.size()) << folder.component();
    int compared = 0;
    for (const auto& [name, expected] : generated) {
        auto a = folder.load(name, torch::kFloat32);
        auto b = single.load(name, torch::kFloat32);
        ASSERT_TRUE(a) << a.error();
        ASSERT_TRUE(b) << b.error();
        EXPECT_TRUE(a.value().sizes() == expected.sizes() && torch::equal(a.value(), expected))
            << "folder " << folder.describe(name);
        EXPECT_TRUE(b.value().sizes() == expected.sizes() && torch::equal(b.value(), expected))
            << "single file " << single.describe(name);
        ++compared;
    }
    EXPECT_GT(compared, 10);
}

class LayoutEquivalence : public ::testing::TestWithParam<std::string>
{
};

TEST_P(LayoutEquivalence, FolderAndSingleFileGiveTheSameModel)
{
    const test::SyntheticModelSpec spec = test::specByName(GetParam());
    const test::WrittenModel w = test::writeModel(spec);
    const Checkpoint folder = test::loadOrThrow(w.folder);
    const Checkpoint single = test::loadOrThrow(w.singleFile);

    EXPECT_EQ(folder.layout, "diffusers folder");
    EXPECT_EQ(single.layout, "single-file (LDM)");
    // The folder's configs are the spec.
    EXPECT_EQ(folder.config.unet.blockOutChannels, spec.blockOutChannels);
    EXPECT_EQ(folder.config.unet.layersPerBlock, spec.layersPerBlock);
    EXPECT_EQ(folder.config.unet.numHeads, spec.unetHeads);
    EXPECT_EQ(folder.config.unet.sampleSize, spec.sampleSize);
    EXPECT_EQ(folder.config.textEncoder.hiddenAct, spec.hiddenAct);
    EXPECT_EQ(folder.config.scheduler.predictionType, spec.predictionType);
    EXPECT_EQ(folder.config.family, spec.hiddenAct == "gelu" ? ModelFamily::SD2 : ModelFamily::SD1);
    // The single file, alone, arrives at the same architecture (heads by the documented rules,
    // which the specs follow) and prediction type. Its native size is a documented default.
    expectSameConfig(folder.config, single.config, /*sampleSizeToo=*/false);
    EXPECT_EQ(single.config.unet.sampleSize, spec.hiddenAct == "gelu" ? 96 : 64);
    EXPECT_EQ(single.tokenizer.kind, TokenizerFiles::Kind::ClipBpe);

    expectSameTensors(folder.unet, single.unet, w.model.unet);
    expectSameTensors(folder.vae, single.vae, w.model.vae);
    expectSameTensors(folder.textEncoder, single.textEncoder, w.model.textEncoder);
    EXPECT_EQ(folder.storedDtype, "F32");
    EXPECT_EQ(single.storedDtype, "F16");
}

TEST_P(LayoutEquivalence, SingleFileBesideItsFolderTakesItsConfigs)
{
    // <dir>/model.safetensors with <dir>/model/ (a diffusers folder of the same model).
    const test::SyntheticModelSpec spec = test::specByName(GetParam());
    const test::WrittenModel w = test::writeModel(spec, "-sibling");
    fs::rename(w.folder, fs::path(w.singleDir) / "model");
    const Checkpoint folder = test::loadOrThrow((fs::path(w.singleDir) / "model").string());
    const Checkpoint single = test::loadOrThrow(w.singleFile);
    expectSameConfig(folder.config, single.config, /*sampleSizeToo=*/true);
    bool mentioned = false;
    for (const auto& note : single.notes)
        mentioned = mentioned || note.find("used the configs beside the file") != std::string::npos;
    EXPECT_TRUE(mentioned);
}

INSTANTIATE_TEST_SUITE_P(Architectures, LayoutEquivalence, ::testing::ValuesIn(test::specNames()),
                         test::specParamName);

TEST(LayoutEquivalence, OpenClipFileHasOneMoreBlockThatIsDropped)
{
    const test::SyntheticModelSpec spec = test::sd2StyleSpec();
    const test::WrittenModel w = test::writeModel(spec, "-openclip");
    const Checkpoint single = test::loadOrThrow(w.singleFile);
    EXPECT_EQ(single.config.textEncoder.numHiddenLayers, spec.textLayers);
    EXPECT_FALSE(single.textEncoder.contains("text_model.encoder.layers." +
                                             std::to_string(spec.textLayers) +
                                             ".self_attn.q_proj.weight"));
    // The file really holds it.
    const std::string extra = spec.openClipPrefix + "transformer.resblocks." +
                              std::to_string(spec.textLayers) + ".attn.in_proj_weight";
    bool inFile = false;
    for (const auto& [name, t] : test::ldmTensors(w.model))
        inFile = inFile || name == extra;
    EXPECT_TRUE(inFile);
}

TEST(LayoutEquivalence, OpenClipFileConvertedFromDiffusersKeepsAll23Blocks)
{
    // diffusers' SD 2.x text encoder has 23 layers (the 24th is dropped); a single file written
    // from it holds 23 resblocks, and all of them are the model.
    test::SyntheticModelSpec spec = test::sd2StyleSpec();
    spec.textHiddenSize = 64; // narrow, so 23 layers stay small
    spec.textHeads = 8;
    spec.textLayers = 23;
    spec.openClipExtraBlock = false;
    spec.blockOutChannels = {32, 64};
    spec.downBlockHasAttention = {true, false};
    spec.unetHeads = {8, 8};
    const test::WrittenModel w = test::writeModel(spec, "-openclip23");
    const Checkpoint folder = test::loadOrThrow(w.folder);
    const Checkpoint single = test::loadOrThrow(w.singleFile);
    EXPECT_EQ(single.config.textEncoder.numHiddenLayers, 23);
    expectSameTensors(folder.textEncoder, single.textEncoder, w.model.textEncoder);
}

TEST(LayoutEquivalence, SgmPrefixedOpenClipFileLoads)
{
    test::SyntheticModelSpec spec = test::sd2StyleSpec();
    spec.openClipPrefix = "conditioner.embedders.0.model.";
    const test::WrittenModel w = test::writeModel(spec, "-sgm");
    const Checkpoint folder = test::loadOrThrow(w.folder);
    const Checkpoint single = test::loadOrThrow(w.singleFile);
    expectSameConfig(folder.config, single.config, false);
    expectSameTensors(folder.textEncoder, single.textEncoder, w.model.textEncoder);
}

} // namespace
} // namespace md

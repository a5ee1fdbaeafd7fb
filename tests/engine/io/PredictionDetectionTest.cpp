// The prediction-type rule for single files without a scheduler config (PredictionDetection.h):
// metadata, the v_pred marker, SD 1.x, ComfyUI's norm-bias statistic on the released SD 2.x
// architecture only, and the SD 2.x default.

#include "engine/io/PredictionDetection.h"

#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/SafetensorsWriter.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

const char* const kStatName = "up_blocks.3.attentions.2.transformer_blocks.0.norm1.bias";

struct Probe
{
    std::shared_ptr<const SafetensorsFile> file;
    WeightSet unet{"unet"};
};

// A file with the statistic's tensor (std `biasStd`) and optional extra tensors / metadata,
// mapped as a UNet WeightSet.
Probe makeProbe(const std::string& name, double biasStd,
                const std::map<std::string, std::string>& metadata = {}, bool vPredMarker = false)
{
    auto gen = at::detail::createCPUGenerator(3);
    auto bias = torch::randn({320}, gen, torch::kFloat32);
    bias = (bias - bias.mean()) / bias.std(/*unbiased=*/false) * biasStd;
    std::vector<std::pair<std::string, torch::Tensor>> tensors{{kStatName, bias}};
    if (vPredMarker)
        tensors.emplace_back("v_pred", torch::zeros({1}));
    const std::string path = test::tempPath(name + ".safetensors");
    if (Status s = writeSafetensors(path, tensors, metadata); !s)
        throw std::runtime_error(s.message());
    Probe p;
    auto file = SafetensorsFile::open(path);
    if (!file)
        throw std::runtime_error(file.error());
    p.file = file.value();
    if (Status s = p.unet.add(kStatName, p.file, kStatName); !s)
        throw std::runtime_error(s.message());
    return p;
}

ModelConfig releasedSd2()
{
    ModelConfig c;
    c.family = ModelFamily::SD2;
    c.unet.blockOutChannels = {320, 640, 1280, 1280};
    c.unet.crossAttentionDim = 1024;
    c.unet.useLinearProjection = true;
    c.textEncoder.hiddenAct = "gelu";
    c.textEncoder.hiddenSize = 1024;
    return c;
}

TEST(PredictionDetection, ReleasedSd2ArchitectureUsesTheNormBiasStatistic)
{
    const ModelConfig c = releasedSd2();
    const Probe v = makeProbe("pred-v", 0.2);
    const Probe eps = makeProbe("pred-eps", 0.03);
    ASSERT_TRUE(vPredictionStatistic(c.unet, v.unet).has_value());
    EXPECT_NEAR(*vPredictionStatistic(c.unet, v.unet), 0.2, 1e-4);
    const PredictionGuess gv = detectPrediction(*v.file, c, v.unet);
    const PredictionGuess ge = detectPrediction(*eps.file, c, eps.unet);
    EXPECT_EQ(gv.predictionType, "v_prediction");
    EXPECT_EQ(ge.predictionType, "epsilon");
    EXPECT_FALSE(gv.isGuess);
    EXPECT_EQ(gv.sampleSize, 96); // 768 px
    EXPECT_EQ(ge.sampleSize, 64); // 512 px
    EXPECT_NE(gv.reason.find("0.2000"), std::string::npos) << gv.reason;
}

TEST(PredictionDetection, OtherSd2SizesFallBackToTheV768Default)
{
    ModelConfig c = releasedSd2();
    c.unet.blockOutChannels = {64, 128, 256, 256}; // not the released weights: no statistic
    const Probe eps = makeProbe("pred-small", 0.03);
    const PredictionGuess g = detectPrediction(*eps.file, c, eps.unet);
    EXPECT_EQ(g.predictionType, "v_prediction");
    EXPECT_TRUE(g.isGuess);
    EXPECT_NE(g.reason.find("--prediction"), std::string::npos) << g.reason;
}

TEST(PredictionDetection, MetadataAndMarkerComeFirst)
{
    const ModelConfig c = releasedSd2();
    // The statistic says v; the metadata says otherwise and wins.
    EXPECT_EQ(detectPrediction(
                  *makeProbe("pred-md-eps", 0.2, {{"modelspec.prediction_type", "epsilon"}}).file,
                  c, WeightSet())
                  .predictionType,
              "epsilon");
    const Probe arch512 =
        makeProbe("pred-arch-512", 0.2, {{"modelspec.architecture", "stable-diffusion-v2-512"}});
    EXPECT_EQ(detectPrediction(*arch512.file, c, arch512.unet).predictionType, "epsilon");
    const Probe arch768 = makeProbe("pred-arch-768", 0.01,
                                    {{"modelspec.architecture", "stable-diffusion-v2-768-v"},
                                     {"modelspec.resolution", "768x768"}});
    const PredictionGuess g = detectPrediction(*arch768.file, c, arch768.unet);
    EXPECT_EQ(g.predictionType, "v_prediction");
    EXPECT_EQ(g.sampleSize, 96);
    // SD 1.x with a v_pred marker (a v-trained fine-tune).
    ModelConfig sd1;
    const Probe marker = makeProbe("pred-marker", 0.01, {}, /*vPredMarker=*/true);
    EXPECT_EQ(detectPrediction(*marker.file, sd1, marker.unet).predictionType, "v_prediction");
    const Probe plain = makeProbe("pred-sd1", 0.2);
    EXPECT_EQ(detectPrediction(*plain.file, sd1, plain.unet).predictionType, "epsilon");
    EXPECT_FALSE(detectPrediction(*plain.file, sd1, plain.unet).sampleSize.has_value());
}

TEST(PredictionDetection, LoaderAppliesItToSingleFiles)
{
    test::SyntheticModelSpec spec = test::sd2TinySpec();
    spec.singleFileMetadata = {{"modelspec.prediction_type", "epsilon"},
                               {"modelspec.resolution", "512x512"}};
    const test::SyntheticModel model = test::makeSyntheticModel(spec);
    const std::string path = test::tempPath("pred-loader.safetensors");
    test::writeLdmSingleFile(model, path);
    auto ckpt = loadCheckpoint(path);
    ASSERT_TRUE(ckpt) << ckpt.error();
    EXPECT_EQ(ckpt->config.scheduler.predictionType, "epsilon");
    EXPECT_EQ(ckpt->config.unet.sampleSize, 64);
    EXPECT_EQ(familyName(ckpt->config.family), familyName(ModelFamily::SD2));

    // Without metadata: the SD 2.x default, said in the notes.
    spec.singleFileMetadata.clear();
    test::writeLdmSingleFile(test::makeSyntheticModel(spec), path);
    ckpt = loadCheckpoint(path);
    ASSERT_TRUE(ckpt) << ckpt.error();
    EXPECT_EQ(ckpt->config.scheduler.predictionType, "v_prediction");
    EXPECT_EQ(ckpt->config.unet.sampleSize, 96);
    bool noted = false;
    for (const auto& n : ckpt->notes)
        noted = noted || n.find("assumed v_prediction") != std::string::npos;
    EXPECT_TRUE(noted);
}

} // namespace
} // namespace md

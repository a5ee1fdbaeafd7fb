// The engine's networks (nn/) built from each synthetic architecture's detected config load
// the weights of both layouts, use every tensor, and compute the same outputs from both. A
// tensor of the wrong shape, or a missing one, is refused with a message naming it.

#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/models/ModelTestSupport.h"
#include "engine/nn/ModelFactory.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

using test::NamedTensors;

struct Outputs
{
    torch::Tensor text;
    torch::Tensor unet;
    torch::Tensor decoded;
    torch::Tensor encodedMean;
};

// Runs the three networks of `ckpt` on fixed inputs; every tensor of the checkpoint must be
// used (the text projection excepted: CLIPTextModel has none).
Outputs runNetworks(const Checkpoint& ckpt)
{
    torch::NoGradGuard noGrad;
    const ModelConfig& c = ckpt.config;
    nn::WeightLoadReport report;
    auto text =
        nn::loadTextEncoder(c.textEncoder, ckpt.textEncoder, torch::kFloat32, torch::kCPU, &report);
    if (!text)
        throw std::runtime_error(text.error());
    for (const auto& name : report.unused)
        EXPECT_EQ(name, "text_projection.weight") << ckpt.path;
    auto unet = nn::loadUNet(c.unet, ckpt.unet, torch::kFloat32, torch::kCPU, &report);
    if (!unet)
        throw std::runtime_error(unet.error());
    EXPECT_TRUE(report.unused.empty()) << report.warning("unet");
    auto vae = nn::loadVae(c.vae, ckpt.vae, torch::kFloat32, torch::kCPU, &report);
    if (!vae)
        throw std::runtime_error(vae.error());
    EXPECT_TRUE(report.unused.empty()) << report.warning("vae");

    Outputs out;
    // BOS, a few ids, EOS, padding with EOS (SD 1.x style).
    auto ids = torch::full({1, 77}, c.textEncoder.vocabSize - 1, torch::kInt64);
    ids[0][0] = c.textEncoder.vocabSize - 2;
    for (int i = 1; i < 6; ++i)
        ids[0][i] = 40 + 13 * i;
    out.text = text.value()->forward(ids, 1);
    const int f = 1 << (static_cast<int>(c.unet.blockOutChannels.size()) - 1);
    auto gen = at::detail::createCPUGenerator(5);
    auto sample = torch::randn({1, c.unet.inChannels, 2 * f, 3 * f}, gen, torch::kFloat32);
    out.unet = unet.value()->forward(sample, torch::tensor({500}), out.text);
    const int v = c.vae.scaleFactor();
    auto latents = torch::randn({1, c.vae.latentChannels, 4, 3}, gen, torch::kFloat32);
    out.decoded = vae.value()->decode(latents / c.vae.scalingFactor);
    auto image = torch::rand({1, 3, 2 * v, 3 * v}, gen, torch::kFloat32) * 2 - 1;
    out.encodedMean = vae.value()->encode(image).mean;
    return out;
}

void expectSane(const torch::Tensor& t, const char* what)
{
    EXPECT_TRUE(torch::isfinite(t).all().item<bool>()) << what;
    EXPECT_GT(t.std().item<double>(), 1e-3) << what << " is constant";
}

class NetworkLoading : public ::testing::TestWithParam<std::string>
{
};

TEST_P(NetworkLoading, BothLayoutsLoadAndComputeTheSame)
{
    const test::WrittenModel w = test::writeModel(test::specByName(GetParam()), "-nn");
    const Checkpoint folder = test::loadOrThrow(w.folder);
    const Checkpoint single = test::loadOrThrow(w.singleFile);
    const Outputs a = runNetworks(folder);
    const Outputs b = runNetworks(single);
    expectSane(a.text, "text");
    expectSane(a.unet, "unet");
    expectSane(a.decoded, "decoded");
    expectSane(a.encodedMean, "encoded");
    EXPECT_EQ(test::maxAbsDiff(a.text, b.text), 0.0);
    EXPECT_EQ(test::maxAbsDiff(a.unet, b.unet), 0.0);
    EXPECT_EQ(test::maxAbsDiff(a.decoded, b.decoded), 0.0);
    EXPECT_EQ(test::maxAbsDiff(a.encodedMean, b.encodedMean), 0.0);
    EXPECT_EQ(a.text.size(2), folder.config.textEncoder.hiddenSize);
    EXPECT_EQ(a.decoded.size(2), 4 * folder.config.vae.scaleFactor());
}

INSTANTIATE_TEST_SUITE_P(Architectures, NetworkLoading, ::testing::ValuesIn(test::specNames()),
                         test::specParamName);

void replace(NamedTensors& tensors, const std::string& name, std::vector<int64_t> shape)
{
    for (auto& [n, t] : tensors)
        if (n == name) {
            t = torch::zeros(shape);
            return;
        }
    FAIL() << "no " << name;
}

void erase(NamedTensors& tensors, const std::string& name)
{
    for (auto it = tensors.begin(); it != tensors.end(); ++it)
        if (it->first == name) {
            tensors.erase(it);
            return;
        }
    FAIL() << "no " << name;
}

// Writes a broken copy of `model`, loads the checkpoint (which succeeds: the loader's checks
// cover the architecture, not every tensor) and returns nn's error for `component`.
std::string nnError(const test::SyntheticModel& model, bool singleFile, const std::string& tag,
                    const std::string& component)
{
    const test::SyntheticModelSpec& spec = model.spec;
    test::WrittenModel w;
    w.model = model;
    std::string path;
    if (singleFile) {
        path = test::tempPath(spec.name + tag + ".safetensors");
        test::writeLdmSingleFile(model, path);
    } else {
        path = test::tempPath(spec.name + tag);
        test::writeDiffusersFolder(model, path);
    }
    auto ckpt = loadCheckpoint(path);
    if (!ckpt)
        return "loader: " + ckpt.error();
    const ModelConfig& c = ckpt->config;
    Status status;
    if (component == "unet")
        status = nn::loadUNet(c.unet, ckpt->unet, torch::kFloat32).status();
    else if (component == "vae")
        status = nn::loadVae(c.vae, ckpt->vae, torch::kFloat32).status();
    else
        status = nn::loadTextEncoder(c.textEncoder, ckpt->textEncoder, torch::kFloat32).status();
    return status.isOk() ? "" : status.message();
}

TEST(NetworkLoading, ConvWithTheWrongChannelCountIsNamed)
{
    test::SyntheticModel model = test::makeSyntheticModel(test::sd1SmallSpec());
    replace(model.unet, "down_blocks.1.resnets.0.conv1.weight", {32, 16, 3, 3});
    const std::string folder = nnError(model, false, "-badconv", "unet");
    EXPECT_NE(folder.find("down_blocks.1.resnets.0.conv1.weight"), std::string::npos) << folder;
    EXPECT_NE(folder.find("[32, 16, 3, 3]"), std::string::npos) << folder;
    EXPECT_NE(folder.find("[32, 32, 3, 3]"), std::string::npos) << folder;
    const std::string single = nnError(model, true, "-badconv", "unet");
    EXPECT_NE(single.find("model.diffusion_model.input_blocks.3.0.in_layers.2.weight"),
              std::string::npos)
        << single;
    EXPECT_NE(single.find("down_blocks.1.resnets.0.conv1.weight"), std::string::npos) << single;
}

TEST(NetworkLoading, VaeAttentionOfTheWrongShapeIsNamed)
{
    test::SyntheticModel model = test::makeSyntheticModel(test::sd1SmallSpec());
    replace(model.vae, "decoder.mid_block.attentions.0.to_q.weight", {32, 16});
    const std::string single = nnError(model, true, "-badattn", "vae");
    EXPECT_NE(single.find("first_stage_model.decoder.mid.attn_1.q.weight"), std::string::npos)
        << single;
    EXPECT_NE(single.find("[32, 16]"), std::string::npos) << single;
}

TEST(NetworkLoading, TextLayerOfTheWrongWidthIsNamed)
{
    test::SyntheticModel model = test::makeSyntheticModel(test::sd2StyleSpec());
    replace(model.textEncoder, "text_model.encoder.layers.1.mlp.fc2.weight", {1024, 32});
    const std::string single = nnError(model, true, "-badfc2", "text_encoder");
    EXPECT_NE(single.find("resblocks.1.mlp.c_proj.weight"), std::string::npos) << single;
    EXPECT_NE(single.find("text_model.encoder.layers.1.mlp.fc2.weight"), std::string::npos)
        << single;
}

TEST(NetworkLoading, MissingTensorIsNamed)
{
    test::SyntheticModel model = test::makeSyntheticModel(test::sd2TinySpec());
    erase(model.unet, "mid_block.attentions.0.proj_out.weight");
    const std::string folder = nnError(model, false, "-missing", "unet");
    EXPECT_NE(folder.find("mid_block.attentions.0.proj_out.weight"), std::string::npos) << folder;
    EXPECT_NE(folder.find("missing"), std::string::npos) << folder;
}

} // namespace
} // namespace md

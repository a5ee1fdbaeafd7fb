#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"
#include "engine/nn/ModelFactory.h"
#include "engine/nn/NnTestSupport.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace {

// The fixture's UNet weights, with `name` taken from `replacement` instead.
md::WeightSet unetWeightsWith(const std::string& name,
                              std::shared_ptr<const md::SafetensorsFile> replacement)
{
    auto file = md::SafetensorsFile::open(
        md::test::fixturePath("tiny-sd15/unet/diffusion_pytorch_model.safetensors"));
    if (!file)
        throw std::runtime_error(file.error());
    md::WeightSet weights("unet");
    for (const auto& info : file.value()->tensors()) {
        if (info.name == name && !replacement)
            continue;
        auto status = info.name == name ? weights.add(name, replacement, name)
                                        : weights.add(info.name, file.value(), info.name);
        if (!status)
            throw std::runtime_error(status.message());
    }
    return weights;
}

} // namespace

TEST(WeightLoading, WrongShapeIsAClearError)
{
    const std::string path = md::test::tempPath("nn-wrong-conv-in.safetensors");
    ASSERT_TRUE(md::writeSafetensors(path, {{"conv_in.weight", torch::zeros({16, 4, 3, 3})}}));
    auto bad = md::SafetensorsFile::open(path);
    ASSERT_TRUE(bad) << bad.error();

    const auto& config = md::test::tinyCheckpoint().config.unet;
    auto model =
        md::nn::loadUNet(config, unetWeightsWith("conv_in.weight", bad.value()), torch::kFloat);
    ASSERT_FALSE(model);
    std::cout << "[nn] error: " << model.error() << std::endl;
    EXPECT_NE(model.error().find("unet: "), std::string::npos);
    EXPECT_NE(model.error().find("conv_in.weight"), std::string::npos);
    EXPECT_NE(model.error().find("nn-wrong-conv-in.safetensors"), std::string::npos);
    EXPECT_NE(model.error().find("has shape [16, 4, 3, 3]"), std::string::npos);
    EXPECT_NE(model.error().find("expects [32, 4, 3, 3]"), std::string::npos);
}

TEST(WeightLoading, MissingTensorIsAnErrorAndExtraOnesAreReported)
{
    const auto& config = md::test::tinyCheckpoint().config.unet;
    const std::string missing = "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight";
    auto model = md::nn::loadUNet(config, unetWeightsWith(missing, nullptr), torch::kFloat);
    ASSERT_FALSE(model);
    std::cout << "[nn] error: " << model.error() << std::endl;
    EXPECT_NE(model.error().find("missing"), std::string::npos);
    EXPECT_NE(model.error().find(missing), std::string::npos);

    const std::string path = md::test::tempPath("nn-extra.safetensors");
    ASSERT_TRUE(md::writeSafetensors(path, {{"conv_in.weight", torch::zeros({32, 4, 3, 3})},
                                            {"extra.weight", torch::zeros({3})}}));
    auto extraFile = md::SafetensorsFile::open(path);
    ASSERT_TRUE(extraFile) << extraFile.error();
    auto weights = unetWeightsWith("conv_in.weight", extraFile.value());
    ASSERT_TRUE(weights.add("extra.weight", extraFile.value(), "extra.weight"));
    md::nn::WeightLoadReport report;
    auto loaded = md::nn::loadUNet(config, weights, torch::kFloat, torch::kCPU, &report);
    ASSERT_TRUE(loaded) << loaded.error();
    ASSERT_EQ(report.unused, std::vector<std::string>{"extra.weight"});
    EXPECT_NE(report.warning("unet").find("extra.weight"), std::string::npos);
    // The replaced tensor was loaded (zeros), with the requested dtype.
    auto* convIn = loaded.value()->named_parameters().find("conv_in.weight");
    ASSERT_NE(convIn, nullptr);
    EXPECT_EQ(convIn->abs().sum().item<double>(), 0.0);
}

TEST(WeightLoading, InconsistentConfigIsAnError)
{
    md::UNetConfig config = md::test::tinyCheckpoint().config.unet;
    config.numHeads = {5};
    auto model = md::nn::createUNet(config);
    ASSERT_FALSE(model);
    EXPECT_NE(model.error().find("heads"), std::string::npos) << model.error();
}

TEST(WeightLoading, LoadsInReducedPrecision)
{
    const auto& checkpoint = md::test::tinyCheckpoint();
    auto vae = md::nn::loadVae(checkpoint.config.vae, checkpoint.vae, torch::kBFloat16);
    ASSERT_TRUE(vae) << vae.error();
    for (const auto& p : vae.value()->parameters())
        ASSERT_EQ(p.scalar_type(), torch::kBFloat16);
}

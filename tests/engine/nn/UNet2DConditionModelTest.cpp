#include "engine/common/ReferenceTensors.h"
#include "engine/nn/ModelFactory.h"
#include "engine/nn/NnTestSupport.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using md::test::referenceTensor;
using md::test::withinComponentTolerance;

namespace {

md::nn::UNet2DConditionModel loadUNet()
{
    const auto& checkpoint = md::test::tinyCheckpoint();
    md::nn::WeightLoadReport report;
    auto model = md::nn::loadUNet(checkpoint.config.unet, checkpoint.unet, torch::kFloat,
                                  torch::kCPU, &report);
    if (!model)
        throw std::runtime_error(model.error());
    EXPECT_TRUE(report.unused.empty()) << report.warning("unet");
    return model.value();
}

} // namespace

TEST(UNet2DConditionModel, MatchesDiffusersOnNonSquareInput)
{
    auto unet = loadUNet();
    c10::InferenceMode guard;
    auto out = unet->forward(referenceTensor("unet.sample"), referenceTensor("unet.timestep"),
                             referenceTensor("unet.encoder_hidden_states"));
    EXPECT_TRUE(withinComponentTolerance("unet.out", out, referenceTensor("unet.out")));

    // A float timestep and a single timestep broadcast to the batch give the same result.
    auto sample = referenceTensor("unet.sample").narrow(0, 0, 1);
    auto context = referenceTensor("unet.encoder_hidden_states").narrow(0, 0, 1);
    auto t = referenceTensor("unet.timestep").narrow(0, 0, 1);
    auto single = unet->forward(sample, t.to(torch::kFloat), context);
    EXPECT_LE(md::test::maxAbsDiff(single, out.narrow(0, 0, 1)), 1e-5);
}

TEST(UNet2DConditionModel, LinearProjectionLayoutGivesTheSameResult)
{
    // SD 2.x stores proj_in/proj_out as Linear [C, C]: the fixture's 1x1 convs squeezed must
    // give the same output through use_linear_projection (and upcast attention, a no-op in
    // float32), with the head counts given per level.
    const auto& checkpoint = md::test::tinyCheckpoint();
    md::UNetConfig config = checkpoint.config.unet;
    config.useLinearProjection = true;
    config.upcastAttention = true;
    config.numHeads.assign(config.blockOutChannels.size(), config.numHeads.front());
    md::WeightSet weights("unet");
    for (const auto& name : checkpoint.unet.names()) {
        const auto* entry = checkpoint.unet.entry(name);
        const bool projection = name.find(".proj_in.weight") != std::string::npos ||
                                name.find(".proj_out.weight") != std::string::npos;
        auto status = projection ? weights.addSqueezed(name, entry->file, entry->key)
                                 : weights.add(name, entry->file, entry->key);
        ASSERT_TRUE(status) << status.message();
    }
    auto unet = md::nn::loadUNet(config, weights, torch::kFloat);
    ASSERT_TRUE(unet) << unet.error();
    c10::InferenceMode guard;
    // The first batch item only (the test runs on 2 CPU cores).
    auto first = [](const char* name) { return referenceTensor(name).narrow(0, 0, 1); };
    auto out = unet.value()->forward(first("unet.sample"), first("unet.timestep"),
                                     first("unet.encoder_hidden_states"));
    EXPECT_TRUE(
        withinComponentTolerance("unet.out[0] (linear projection layout)", out, first("unet.out")));
}

TEST(UNet2DConditionModel, SizesNotDivisibleByTheLevelsWork)
{
    auto unet = loadUNet();
    c10::InferenceMode guard;
    // 13x22 latents (104x176 pixels): odd sizes at every level, upsampled to the skips' sizes.
    auto sample = torch::randn({1, 4, 13, 22});
    auto context = referenceTensor("unet.encoder_hidden_states").narrow(0, 0, 1);
    auto out = unet->forward(sample, torch::tensor({500}), context);
    EXPECT_EQ(out.sizes(), sample.sizes());
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(UNet2DConditionModel, TrainsFromScratch)
{
    // A freshly initialised model, gradients through every parameter.
    md::UNetConfig config = md::test::tinyCheckpoint().config.unet;
    auto created = md::nn::createUNet(config);
    ASSERT_TRUE(created) << created.error();
    auto unet = created.value();
    unet->train();
    torch::manual_seed(0);
    auto sample = torch::randn({2, 4, 16, 16});
    auto context = torch::randn({2, 7, config.crossAttentionDim});
    auto out = unet->forward(sample, torch::tensor({10, 900}), context);
    out.pow(2).mean().backward();
    int64_t withGrad = 0;
    for (const auto& p : unet->parameters()) {
        ASSERT_TRUE(p.grad().defined());
        ASSERT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
        withGrad += p.grad().abs().sum().item<double>() > 0;
    }
    EXPECT_GT(withGrad, static_cast<int64_t>(unet->parameters().size()) * 9 / 10);
}

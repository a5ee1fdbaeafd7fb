#include "engine/common/ReferenceTensors.h"
#include "engine/nn/ModelFactory.h"
#include "engine/nn/NnTestSupport.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using md::test::referenceTensor;
using md::test::withinComponentTolerance;

namespace {

md::nn::AutoencoderKL loadVae()
{
    const auto& checkpoint = md::test::tinyCheckpoint();
    md::nn::WeightLoadReport report;
    auto model =
        md::nn::loadVae(checkpoint.config.vae, checkpoint.vae, torch::kFloat, torch::kCPU, &report);
    if (!model)
        throw std::runtime_error(model.error());
    EXPECT_TRUE(report.unused.empty()) << report.warning("vae");
    return model.value();
}

} // namespace

TEST(AutoencoderKL, DecodeMatchesDiffusers)
{
    auto vae = loadVae();
    c10::InferenceMode guard;
    const double scaling = md::test::tinyCheckpoint().config.vae.scalingFactor;
    EXPECT_DOUBLE_EQ(scaling, 0.18215);
    auto decoded = vae->decode(referenceTensor("vae.latents") / scaling);
    EXPECT_TRUE(withinComponentTolerance("vae.decoded", decoded, referenceTensor("vae.decoded")));
}

TEST(AutoencoderKL, EncodeMatchesDiffusers)
{
    auto vae = loadVae();
    c10::InferenceMode guard;
    auto dist = vae->encode(referenceTensor("vae.image"));
    EXPECT_TRUE(withinComponentTolerance("vae.encoded_mean", dist.mean,
                                         referenceTensor("vae.encoded_mean")));
    EXPECT_TRUE(
        withinComponentTolerance("vae.encoded_std", dist.std, referenceTensor("vae.encoded_std")));
}

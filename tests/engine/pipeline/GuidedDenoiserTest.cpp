// Classifier-free guidance as diffusers does it, with a stand-in UNet.

#include "engine/pipeline/GuidedDenoiser.h"

#include "engine/sampling/Sampler.h"

#include <atomic>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

std::unique_ptr<Sampler> euler()
{
    auto s = makeSampler(SamplerKind::Euler, SchedulerConfig{}, PredictionType::Epsilon);
    s->setTimesteps(4);
    return s;
}

} // namespace

TEST(GuidedDenoiser, OneBatchTwoCallUncondFirst)
{
    auto sampler = euler();
    const auto cond = torch::full({1, 3, 2}, 2.0);
    const auto uncond = torch::full({1, 3, 2}, 0.5);
    int calls = 0;
    torch::Tensor seenInput, seenTimestep;
    UNetFunction unet = [&](const torch::Tensor& s, const torch::Tensor& t,
                            const UNetConditioning& conditioning) {
        const auto& c = conditioning.context;
        ++calls;
        seenInput = s;
        seenTimestep = t;
        // Output = the context's mean per sample, broadcast over the latent.
        return torch::ones_like(s) * c.mean({1, 2}).view({-1, 1, 1, 1});
    };
    GuidedDenoiser d(*sampler, unet, cond, uncond, 7.5f);
    const auto x = torch::randn({1, 4, 2, 2});
    const auto out = d.predict(x, 1);
    EXPECT_EQ(calls, 1);
    ASSERT_EQ(seenInput.size(0), 2);
    EXPECT_TRUE(torch::allclose(seenInput[0], sampler->scaleModelInput(x, 1)[0]));
    EXPECT_EQ(seenTimestep.size(0), 2);
    EXPECT_FLOAT_EQ(seenTimestep[0].item<float>(), static_cast<float>(sampler->timesteps()[1]));
    // u + s (c - u) = 0.5 + 7.5 * 1.5
    EXPECT_TRUE(torch::allclose(out, torch::full_like(x, 0.5 + 7.5 * 1.5)));
}

TEST(GuidedDenoiser, NoGuidanceAtCfgOne)
{
    auto sampler = euler();
    int batch = 0;
    UNetFunction unet = [&](const torch::Tensor& s, const torch::Tensor&,
                            const UNetConditioning& c) {
        batch = static_cast<int>(s.size(0));
        return torch::ones_like(s) * c.context.mean();
    };
    GuidedDenoiser d(*sampler, unet, torch::full({1, 3, 2}, 2.0), torch::Tensor(), 1.0f);
    const auto out = d.predict(torch::zeros({1, 4, 2, 2}), 0);
    EXPECT_EQ(batch, 1);
    EXPECT_TRUE(torch::allclose(out, torch::full({1, 4, 2, 2}, 2.0)));
}

TEST(GuidedDenoiser, CancelReturnsNothing)
{
    auto sampler = euler();
    std::atomic<bool> cancel{true};
    int calls = 0;
    UNetFunction unet = [&](const torch::Tensor& s, const torch::Tensor&, const UNetConditioning&) {
        ++calls;
        return s;
    };
    GuidedDenoiser d(*sampler, unet, torch::zeros({1, 3, 2}), torch::zeros({1, 3, 2}), 7.5f,
                     &cancel);
    EXPECT_FALSE(d.predict(torch::zeros({1, 4, 2, 2}), 0).defined());
    EXPECT_EQ(calls, 0);
}

// The LCM sampler's schedule and step against hand-derived values (diffusers' LCMScheduler:
// the parity on the fixture model is in tests/engine/live).

#include "engine/sampling/LcmSampler.h"

#include "engine/sampling/Rng.h"
#include "engine/sampling/Sd15SchedulerConfig.h"

#include <cmath>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

std::vector<double> timestepsFor(int steps)
{
    LcmSampler s(test::sd15SchedulerConfig(), PredictionType::Epsilon);
    s.setTimesteps(steps);
    return s.timesteps();
}

} // namespace

TEST(LcmSampler, ScheduleTakesEvenIndicesOfTheDistillationSchedule)
{
    EXPECT_EQ(timestepsFor(1), (std::vector<double>{999}));
    EXPECT_EQ(timestepsFor(2), (std::vector<double>{999, 499}));
    EXPECT_EQ(timestepsFor(4), (std::vector<double>{999, 759, 499, 259}));
    EXPECT_EQ(timestepsFor(8), (std::vector<double>{999, 879, 759, 639, 499, 379, 259, 139}));
    // 3 steps: indices floor(0), floor(16.67), floor(33.33) of 999, 979, ..., 19.
    EXPECT_EQ(timestepsFor(3), (std::vector<double>{999, 679, 339}));
    const auto fifty = timestepsFor(50);
    ASSERT_EQ(fifty.size(), 50u);
    EXPECT_EQ(fifty.back(), 19.0);
}

TEST(LcmSampler, RefusesMoreStepsThanItsSchedule)
{
    LcmSampler s(test::sd15SchedulerConfig(), PredictionType::Epsilon);
    EXPECT_THROW(s.setTimesteps(51), std::invalid_argument);
    EXPECT_THROW(s.setTimesteps(0), std::invalid_argument);
}

TEST(LcmSampler, StepIsTheConsistencyOutputRenoisedWithOneDraw)
{
    LcmSampler s(test::sd15SchedulerConfig(), PredictionType::Epsilon);
    s.setTimesteps(4);
    torch::manual_seed(0);
    const auto x = torch::randn({1, 4, 4, 4});
    const auto eps = torch::randn({1, 4, 4, 4});
    const auto& abar = s.schedule().alphasCumprod();
    const double a = abar[759];
    const double u = 7590.0;
    const double cSkip = 0.25 / (u * u + 0.25);
    const double cOut = u / std::sqrt(u * u + 0.25);
    const auto x0 =
        (x.to(torch::kFloat64) - std::sqrt(1.0 - a) * eps.to(torch::kFloat64)) / std::sqrt(a);
    const auto denoised = cOut * x0 + cSkip * x.to(torch::kFloat64);
    EXPECT_LT(
        (s.predictOriginal(eps, 1, x).to(torch::kFloat64) - denoised).abs().max().item<double>(),
        1e-5);

    Rng rng(9), replay(9);
    const auto next = s.step(eps, 1, x, rng);
    const auto noise = replay.randn({1, 4, 4, 4}).to(torch::kFloat64);
    const double aNext = abar[499];
    const auto expected = std::sqrt(aNext) * denoised + std::sqrt(1.0 - aNext) * noise;
    EXPECT_LT((next.to(torch::kFloat64) - expected).abs().max().item<double>(), 1e-5);
    // Both generators are now at the same place: the step drew exactly one noise tensor.
    EXPECT_TRUE(torch::equal(rng.randn({3}), replay.randn({3})));
}

TEST(LcmSampler, LastStepReturnsTheDenoisedEstimateWithoutADraw)
{
    LcmSampler s(test::sd15SchedulerConfig(), PredictionType::VPrediction);
    s.setTimesteps(2);
    torch::manual_seed(1);
    const auto x = torch::randn({1, 4, 4, 4});
    const auto v = torch::randn({1, 4, 4, 4});
    Rng rng(4), replay(4);
    const auto last = s.step(v, 1, x, rng);
    EXPECT_TRUE(torch::allclose(last, s.predictOriginal(v, 1, x)));
    EXPECT_TRUE(torch::equal(rng.randn({3}), replay.randn({3})));
}

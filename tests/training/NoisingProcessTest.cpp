#include "engine/sampling/NoiseSchedule.h"
#include "training/NoisingProcess.h"

#include <cmath>
#include <gtest/gtest.h>

namespace md {
namespace {

// The trainer's float64-derived table and the sampler's diffusers-exact float32 table are the
// same schedule up to rounding (NoisingProcess.h says why both exist).
TEST(NoisingProcess, AgreesWithTheSamplingScheduleUpToRounding)
{
    const SchedulerConfig config; // SD: scaled_linear 0.00085..0.012, 1000 steps
    const NoisingProcess noising(config);
    const NoiseSchedule schedule(config);
    ASSERT_EQ(noising.steps(), schedule.numTrainTimesteps());
    auto table = noising.alphasCumprod().contiguous();
    const float* trained = table.data_ptr<float>();
    double worst = 0;
    int differing = 0;
    for (int t = 0; t < noising.steps(); ++t) {
        const double a = trained[t], b = schedule.alphasCumprod()[size_t(t)];
        worst = std::max(worst, std::abs(a - b) / b);
        differing += a != b;
    }
    EXPECT_LT(worst, 2e-6);
    EXPECT_GT(differing, 0) << "the tables are now identical: one of them can go";
}

TEST(NoisingProcess, AddsNoiseAtPerSampleTimesteps)
{
    const NoisingProcess noising(SchedulerConfig{});
    auto x0 = torch::ones({2, 1, 2, 2});
    auto noise = torch::zeros({2, 1, 2, 2});
    auto t = torch::tensor({0, 999}, torch::kLong);
    auto xt = noising.addNoise(x0, noise, t);
    const auto& abar = noising.alphasCumprod();
    EXPECT_NEAR(xt[0].mean().item<double>(), std::sqrt(abar[0].item<double>()), 1e-6);
    EXPECT_NEAR(xt[1].mean().item<double>(), std::sqrt(abar[999].item<double>()), 1e-6);
    auto snr = noising.snr(t);
    EXPECT_GT(snr[0].item<double>(), snr[1].item<double>());
}

} // namespace
} // namespace md

// Every sampler, given the exact model output of a known clean latent x0 (an "oracle"
// model), must land on x0 (DDIM: on its final noise level), for epsilon and v prediction.
// This ties step(), scaleModelInput(), predictOriginal() and addNoise() together.

#include "engine/sampling/Denoiser.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"
#include "engine/sampling/SamplingLoop.h"
#include "engine/sampling/Sd15SchedulerConfig.h"

#include <cmath>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

// Variance-preserving coefficients of step i: x_vp = alpha * x0 + sigma * eps.
std::pair<double, double> vpCoefficients(const Sampler& s, int i)
{
    if (s.sigmas().empty()) { // DDIM: alpha-bar of the step's timestep
        const double abar =
            s.schedule()
                .alphasCumprod()[static_cast<size_t>(s.timesteps()[static_cast<size_t>(i)])];
        return {std::sqrt(abar), std::sqrt(1.0 - abar)};
    }
    const double sigma = s.sigmas()[static_cast<size_t>(i)];
    const double alpha = 1.0 / std::sqrt(sigma * sigma + 1.0);
    return {alpha, sigma * alpha};
}

class OracleDenoiser : public Denoiser
{
public:
    OracleDenoiser(const Sampler& s, torch::Tensor x0) : m_s(s), m_x0(std::move(x0)) {}
    torch::Tensor predict(const torch::Tensor& x, int i) override
    {
        const auto [alpha, sigma] = vpCoefficients(m_s, i);
        const auto xv = m_s.scaleModelInput(x, i).to(torch::kFloat64);
        const auto eps = (xv - alpha * m_x0) / sigma;
        if (m_s.prediction() == PredictionType::VPrediction)
            return (alpha * eps - sigma * m_x0).to(torch::kFloat32);
        return eps.to(torch::kFloat32);
    }

private:
    const Sampler& m_s;
    torch::Tensor m_x0;
};

} // namespace

TEST(SamplerOracle, EverySamplerLandsOnTheCleanLatent)
{
    // (EngineTypes' name helpers live in the pipeline library; this test links sampling only.)
    const std::pair<SamplerKind, const char*> kinds[] = {
        {SamplerKind::Ddim, "ddim"},
        {SamplerKind::Euler, "euler"},
        {SamplerKind::EulerAncestral, "euler_a"},
        {SamplerKind::DpmPp2m, "dpmpp_2m"},
        {SamplerKind::DpmPp2mKarras, "dpmpp_2m_karras"},
        {SamplerKind::Lcm, "lcm"}};
    for (auto prediction : {PredictionType::Epsilon, PredictionType::VPrediction}) {
        for (const auto& [kind, kindName] : kinds) {
            const std::string label =
                std::string(kindName) + "/" + (prediction == PredictionType::Epsilon ? "eps" : "v");
            auto sampler = makeSampler(kind, test::sd15SchedulerConfig(), prediction);
            sampler->setTimesteps(10);
            torch::manual_seed(1);
            const auto x0 = torch::randn({1, 4, 8, 8}, torch::kFloat64);
            const auto noise = torch::randn({1, 4, 8, 8}, torch::kFloat64);
            const auto start = sampler->addNoise(x0, noise, 0).to(torch::kFloat32);
            OracleDenoiser oracle(*sampler, x0);
            Rng rng(3);
            int calls = 0;
            double worstX0 = 0.0;
            LoopCallbacks cb;
            cb.onStep = [&](int i, const torch::Tensor&, const torch::Tensor& pred) {
                EXPECT_EQ(i, calls) << label;
                ++calls;
                worstX0 =
                    std::max(worstX0, (pred.to(torch::kFloat64) - x0).abs().max().item<double>());
            };
            auto result = runSampling(*sampler, oracle, start, rng, cb);
            ASSERT_TRUE(result.isOk()) << label << ": " << result.error();
            EXPECT_EQ(calls, 10) << label;
            EXPECT_LT(worstX0, 2e-4) << label << " predictOriginal";
            torch::Tensor expected = x0;
            if (kind == SamplerKind::Ddim) { // DDIM's last step goes to alpha-bar[0], not 1
                const double a0 = sampler->schedule().alphasCumprod()[0];
                expected = std::sqrt(a0) * x0 + std::sqrt(1.0 - a0) * noise;
            }
            const double err =
                (result.value().to(torch::kFloat64) - expected).abs().max().item<double>();
            EXPECT_LT(err, 2e-4) << label;
        }
    }
}

TEST(SamplerOracle, AddNoiseMatchesTheSamplersSpace)
{
    const auto x0 = torch::ones({1, 1, 2, 2});
    const auto n = torch::full({1, 1, 2, 2}, 2.0);
    auto euler = makeSampler(SamplerKind::Euler, test::sd15SchedulerConfig(), PredictionType::Auto);
    euler->setTimesteps(5);
    const double s = euler->sigmas()[2];
    EXPECT_NEAR(euler->addNoise(x0, n, 2)[0][0][0][0].item<double>(), 1.0 + 2.0 * s, 1e-5);
    auto ddim = makeSampler(SamplerKind::Ddim, test::sd15SchedulerConfig(), PredictionType::Auto);
    ddim->setTimesteps(5);
    const double a = ddim->schedule().alphasCumprod()[static_cast<size_t>(ddim->timesteps()[2])];
    EXPECT_NEAR(ddim->addNoise(x0, n, 2)[0][0][0][0].item<double>(),
                std::sqrt(a) + 2.0 * std::sqrt(1.0 - a), 1e-5);
}

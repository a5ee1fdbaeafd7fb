// Sampler schedules against diffusers' numbers (fixtures t2i.<sampler>.timesteps/.sigmas),
// and the timestep spacing rules against hand-computed tables.

#include "engine/common/ReferenceTensors.h"
#include "engine/sampling/NoiseSchedule.h"
#include "engine/sampling/Sampler.h"

#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

// The scheduler config of the fixtures (tiny-sd15-cases.json: SD 1.5's DDIM config).
SchedulerConfig fixtureConfig()
{
    SchedulerConfig c;
    c.numTrainTimesteps = 1000;
    c.betaStart = 0.00085;
    c.betaEnd = 0.012;
    c.betaSchedule = "scaled_linear";
    c.predictionType = "epsilon";
    c.timestepSpacing = "leading";
    c.stepsOffset = 1;
    c.setAlphaToOne = false;
    return c;
}

std::vector<double> toDoubles(const torch::Tensor& t)
{
    const auto c = t.to(torch::kFloat64).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

double maxRelDiff(const std::vector<double>& a, const std::vector<double>& b)
{
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double scale = std::max(std::fabs(b[i]), 1e-300);
        worst = std::max(worst, std::fabs(a[i] - b[i]) / scale);
        if (b[i] == 0.0)
            worst = std::max(worst, std::fabs(a[i]));
    }
    return worst;
}

void expectMatches(const std::vector<double>& got, const std::string& refName)
{
    const auto ref = toDoubles(test::referenceTensor(refName));
    ASSERT_EQ(got.size(), ref.size()) << refName;
    const double rel = maxRelDiff(got, ref);
    std::printf("  %-28s max relative diff %.3g\n", refName.c_str(), rel);
    EXPECT_LE(rel, 1e-9) << refName;
}

struct Case
{
    SamplerKind kind;
    const char* name;
    bool hasSigmas;
};

const Case kCases[] = {
    {SamplerKind::Ddim, "ddim", false},
    {SamplerKind::Euler, "euler", true},
    {SamplerKind::EulerAncestral, "euler_a", true},
    {SamplerKind::DpmPp2m, "dpmpp_2m", true},
    {SamplerKind::DpmPp2mKarras, "dpmpp_2m_karras", true},
};

} // namespace

TEST(SamplerSchedule, MatchesDiffusersFixtures)
{
    for (const auto& c : kCases) {
        auto sampler = makeSampler(c.kind, fixtureConfig(), PredictionType::Auto);
        sampler->setTimesteps(12);
        expectMatches(sampler->timesteps(), std::string("t2i.") + c.name + ".timesteps");
        if (c.hasSigmas)
            expectMatches(sampler->sigmas(), std::string("t2i.") + c.name + ".sigmas");
        else
            EXPECT_TRUE(sampler->sigmas().empty());
    }
}

TEST(SamplerSchedule, InitNoiseSigma)
{
    auto ddim = makeSampler(SamplerKind::Ddim, fixtureConfig(), PredictionType::Auto);
    ddim->setTimesteps(12);
    EXPECT_EQ(ddim->initNoiseSigma(), 1.0);
    auto euler = makeSampler(SamplerKind::Euler, fixtureConfig(), PredictionType::Auto);
    euler->setTimesteps(12);
    // leading spacing: sqrt(sigma_max^2 + 1) of the step sigmas.
    const double s = euler->sigmas().front();
    EXPECT_NEAR(euler->initNoiseSigma(), std::sqrt(s * s + 1.0), 1e-6);
    auto cfg = fixtureConfig();
    cfg.timestepSpacing = "trailing";
    auto trailing = makeSampler(SamplerKind::Euler, cfg, PredictionType::Auto);
    trailing->setTimesteps(12);
    EXPECT_NEAR(trailing->initNoiseSigma(), trailing->sigmas().front(), 1e-6);
    auto dpm = makeSampler(SamplerKind::DpmPp2mKarras, fixtureConfig(), PredictionType::Auto);
    dpm->setTimesteps(12);
    EXPECT_EQ(dpm->initNoiseSigma(), 1.0);
}

// research/engine.md section 5, N = 20 (DDIM's rules).
TEST(SamplerSchedule, DdimSpacingRules)
{
    auto cfg = fixtureConfig();
    auto check = [&](const std::string& spacing, double first, double second, double last) {
        cfg.timestepSpacing = spacing;
        auto s = makeSampler(SamplerKind::Ddim, cfg, PredictionType::Auto);
        s->setTimesteps(20);
        ASSERT_EQ(s->timesteps().size(), 20u) << spacing;
        EXPECT_EQ(s->timesteps()[0], first) << spacing;
        EXPECT_EQ(s->timesteps()[1], second) << spacing;
        EXPECT_EQ(s->timesteps()[19], last) << spacing;
        for (size_t i = 1; i < s->timesteps().size(); ++i)
            EXPECT_LT(s->timesteps()[i], s->timesteps()[i - 1]) << spacing;
    };
    check("leading", 951, 901, 1);
    check("trailing", 999, 949, 49);
    check("linspace", 999, 946, 0);
}

TEST(SamplerSchedule, EulerSpacingRules)
{
    auto cfg = fixtureConfig();
    cfg.timestepSpacing = "linspace";
    auto s = makeSampler(SamplerKind::Euler, cfg, PredictionType::Auto);
    s->setTimesteps(4);
    // linspace(0, 999, 4) reversed, kept fractional: 999, 666, 333, 0.
    EXPECT_EQ(s->timesteps(), (std::vector<double>{999, 666, 333, 0}));
    EXPECT_EQ(s->sigmas().size(), 5u);
    EXPECT_EQ(s->sigmas().back(), 0.0);
    // sigma at t = 999 is the table's last (largest) entry.
    EXPECT_NEAR(s->sigmas().front(), s->schedule().sigmaMax(), 1e-6);
    EXPECT_NEAR(s->schedule().sigmaMax(), 14.6146, 1e-3);
    EXPECT_NEAR(s->schedule().sigmaMin(), 0.02917, 1e-4);
}

TEST(SamplerSchedule, DpmSpacingUsesNPlusOnePoints)
{
    auto cfg = fixtureConfig();
    cfg.timestepSpacing = "linspace";
    auto s = makeSampler(SamplerKind::DpmPp2m, cfg, PredictionType::Auto);
    s->setTimesteps(4);
    // round(linspace(0, 999, 5)) reversed without its last point: 999, 749, 500, 250.
    EXPECT_EQ(s->timesteps(), (std::vector<double>{999, 749, 500, 250}));
    cfg.timestepSpacing = "trailing";
    auto t = makeSampler(SamplerKind::DpmPp2m, cfg, PredictionType::Auto);
    t->setTimesteps(4);
    EXPECT_EQ(t->timesteps(), (std::vector<double>{999, 749, 499, 249}));
}

TEST(SamplerSchedule, KarrasEndpoints)
{
    auto s = makeSampler(SamplerKind::DpmPp2mKarras, fixtureConfig(), PredictionType::Auto);
    s->setTimesteps(20);
    // research/engine.md: starts 14.61, 11.73, 9.34 and ends 0.078, 0.048, 0.029 at N = 20.
    const auto& sig = s->sigmas();
    ASSERT_EQ(sig.size(), 21u);
    EXPECT_NEAR(sig[0], 14.61, 0.01);
    EXPECT_NEAR(sig[1], 11.73, 0.01);
    EXPECT_NEAR(sig[2], 9.34, 0.01);
    EXPECT_NEAR(sig[17], 0.078, 0.001);
    EXPECT_NEAR(sig[18], 0.048, 0.001);
    EXPECT_NEAR(sig[19], 0.029, 0.001);
    EXPECT_EQ(sig[20], 0.0);
    EXPECT_EQ(s->timesteps().front(), 999.0);
    EXPECT_EQ(s->timesteps().back(), 0.0);
}

TEST(SamplerSchedule, RejectsBadInput)
{
    auto cfg = fixtureConfig();
    cfg.betaSchedule = "quadratic";
    EXPECT_THROW(makeSampler(SamplerKind::Ddim, cfg, PredictionType::Auto), std::invalid_argument);
    cfg = fixtureConfig();
    cfg.timestepSpacing = "sideways";
    EXPECT_THROW(makeSampler(SamplerKind::Euler, cfg, PredictionType::Auto), std::invalid_argument);
    auto s = makeSampler(SamplerKind::Euler, fixtureConfig(), PredictionType::Auto);
    EXPECT_THROW(s->setTimesteps(0), std::invalid_argument);
    EXPECT_THROW(s->setTimesteps(1001), std::invalid_argument);
    s->setTimesteps(1000); // every training timestep is allowed
    EXPECT_EQ(s->numSteps(), 1000);
}

// Zero terminal SNR (v-prediction SDXL fine-tunes such as NoobAI-v-pred): Lin et al.'s
// rescale keeps the first alpha-bar, drives the last to zero SNR (kept at 2^-24 so sigma
// stays finite: sigma_max = sqrt((1 - 2^-24) / 2^-24) ~ 4096, as diffusers' Euler), and
// stays monotonic.
TEST(NoiseScheduleZeroSnr, RescaleKeepsTheFirstAndZeroesTheLast)
{
    SchedulerConfig plain = fixtureConfig();
    SchedulerConfig zsnr = plain;
    zsnr.rescaleBetasZeroSnr = true;
    const NoiseSchedule a(plain);
    const NoiseSchedule b(zsnr);
    ASSERT_EQ(a.alphasCumprod().size(), b.alphasCumprod().size());
    EXPECT_NEAR(b.alphasCumprod().front(), a.alphasCumprod().front(), 1e-6);
    EXPECT_FLOAT_EQ(b.alphasCumprod().back(), 0x1p-24f);
    EXPECT_GT(a.alphasCumprod().back(), 1e-3f); // the plain schedule never reaches zero SNR
    for (size_t i = 1; i < b.alphasCumprod().size(); ++i)
        EXPECT_LT(b.alphasCumprod()[i], b.alphasCumprod()[i - 1]) << i;
    EXPECT_NEAR(b.sigmaMax(), 4096.0, 1.0);
    // A sampler built on it starts from a finite, huge sigma.
    zsnr.timestepSpacing = "trailing";
    auto trailing = makeSampler(SamplerKind::Euler, zsnr, PredictionType::VPrediction);
    trailing->setTimesteps(20);
    EXPECT_DOUBLE_EQ(trailing->timesteps().front(), 999.0);
    EXPECT_TRUE(std::isfinite(trailing->initNoiseSigma()));
}

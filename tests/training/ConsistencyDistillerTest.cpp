// Latent consistency distillation (core/training/ConsistencySchedule, ConsistencyDistiller,
// DistillRun): the target's arithmetic against hand computations and the engine's LCM
// sampler, and a few real steps on the embedded model at 64 x 64 (8 x 8 latents).

#include "training/ConsistencyDistiller.h"

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/nn/ModelFactory.h"
#include "engine/sampling/LcmSampler.h"
#include "training/ConsistencySchedule.h"
#include "training/DistillRun.h"
#include "training/ModuleWeights.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

namespace fs = std::filesystem;

SchedulerConfig sdSchedule()
{
    return SchedulerConfig{}; // SD's scaled_linear 0.00085..0.012, 1000 steps, epsilon
}

torch::Tensor longs(std::vector<int64_t> v)
{
    return torch::tensor(v, torch::kLong);
}

TEST(ConsistencySchedule, PointsAndBoundaryScalings)
{
    NoisingProcess noising(sdSchedule());
    ConsistencySchedule schedule(noising);
    EXPECT_EQ(schedule.points(), 50);
    EXPECT_EQ(schedule.skip(), 20);
    auto t = schedule.timesteps(longs({0, 1, 12, 49}));
    EXPECT_TRUE(torch::equal(t, longs({19, 39, 259, 999})));
    // The solver ends at t - 20; the first point ends at timestep 0 (the boundary).
    EXPECT_TRUE(torch::equal(schedule.previousTimesteps(longs({0, 1, 49})), longs({0, 19, 979})));
    // c_skip(0) = 1 and c_out(0) = 0 exactly: f(x, 0) = x whatever the network says.
    EXPECT_EQ(ConsistencySchedule::cSkip(longs({0})).item<float>(), 1.0f);
    EXPECT_EQ(ConsistencySchedule::cOut(longs({0})).item<float>(), 0.0f);
    auto x = torch::randn({1, 4, 3, 3});
    auto eps = torch::randn({1, 4, 3, 3}) * 100;
    EXPECT_TRUE(torch::equal(schedule.consistencyOutput(eps, x, longs({0})), x));
    // By hand at t = 259: u = 2590, c_skip = 0.25 / (u^2 + 0.25), c_out = u / sqrt(u^2 + 0.25).
    const double u = 2590.0;
    EXPECT_NEAR(ConsistencySchedule::cSkip(longs({259})).item<double>(), 0.25 / (u * u + 0.25),
                1e-12);
    EXPECT_NEAR(ConsistencySchedule::cOut(longs({259})).item<double>(), u / std::sqrt(u * u + 0.25),
                1e-7);
}

// The teacher's DDIM step (eta 0) t_n -> t_{n-1}, element by element in double precision.
TEST(ConsistencySchedule, DdimStepMatchesAHandComputation)
{
    NoisingProcess noising(sdSchedule());
    ConsistencySchedule schedule(noising);
    const auto abar = noising.alphasCumprod().to(torch::kFloat64);
    auto x = torch::tensor({0.5f, -1.25f, 2.0f, 0.1f}).view({2, 2, 1, 1});
    auto eps = torch::tensor({-0.3f, 0.8f, 1.5f, -2.0f}).view({2, 2, 1, 1});
    auto n = longs({7, 0}); // t = 159 -> 139, and t = 19 -> 0
    auto got = schedule.ddimStep(eps, x, n);
    const int ts[2] = {159, 19}, prevs[2] = {139, 0};
    for (int b = 0; b < 2; ++b)
        for (int c = 0; c < 2; ++c) {
            const double a = abar[ts[b]].item<double>(), ap = abar[prevs[b]].item<double>();
            const double xv = x[b][c][0][0].item<double>(), ev = eps[b][c][0][0].item<double>();
            const double x0 = (xv - std::sqrt(1 - a) * ev) / std::sqrt(a);
            const double want = std::sqrt(ap) * x0 + std::sqrt(1 - ap) * ev;
            EXPECT_NEAR(got[b][c][0][0].item<double>(), want, 1e-5) << b << " " << c;
        }
}

// Training and sampling agree: the consistency output the student is trained on is the
// engine's LCM sampler's denoised output at its 4-step timesteps (999, 759, 499, 259).
TEST(ConsistencySchedule, IsTheEnginesLcmParametrisation)
{
    NoisingProcess noising(sdSchedule());
    ConsistencySchedule schedule(noising);
    LcmSampler sampler(sdSchedule(), PredictionType::Epsilon);
    sampler.setTimesteps(4);
    const int64_t points[4] = {49, 37, 24, 12};
    torch::manual_seed(5);
    for (int i = 0; i < 4; ++i) {
        auto n = longs({points[i]});
        ASSERT_EQ(schedule.timesteps(n).item<int64_t>(), int64_t(sampler.timesteps()[size_t(i)]));
        auto x = torch::randn({1, 4, 4, 4}), eps = torch::randn({1, 4, 4, 4});
        auto ours = schedule.consistencyOutput(eps, x, schedule.timesteps(n));
        auto engine = sampler.predictOriginal(eps, i, x);
        EXPECT_TRUE(torch::allclose(ours, engine, 1e-4, 1e-5))
            << "step " << i << " max diff " << (ours - engine).abs().max().item<float>();
    }
}

ConsistencyDistillOptions smallRun(const std::string& out)
{
    ConsistencyDistillOptions o;
    o.model = test::sourcePath("resources/models/mds-tiny");
    o.out = out;
    o.device = "cpu";
    o.imageSize = 64;
    o.poolSize = 4;
    o.poolRefresh = 1;
    o.batch = 2;
    o.steps = 3;
    o.lr = 1e-3; // large, so that three steps visibly move the weights
    o.warmupSteps = 1;
    o.emaDecay = 0.5; // the exported target follows the student quickly
    o.previewSteps = 2;
    o.previewTeacherSteps = 0;
    o.previewSize = 64;
    o.seed = 4;
    return o;
}

// The guided teacher step on the real model, against the teacher's two passes combined by
// hand; and at the first point the target is exactly that step (boundary condition).
TEST(ConsistencyDistiller, TeacherStepIsGuidedDdim)
{
    ConsistencyDistiller d(smallRun(""));
    ASSERT_TRUE(d.prepare().isOk());
    torch::manual_seed(2);
    auto x = torch::randn({2, 4, 8, 8});
    auto n = longs({0, 30});
    auto cond = d.encode({"red", "a blue sky"});
    auto uncond = d.encode({"", ""});
    auto got = d.teacherStep(x, n, cond);
    torch::NoGradGuard noGrad;
    auto t = d.schedule().timesteps(n);
    auto c = d.teacher()->forward(x, t, cond), u = d.teacher()->forward(x, t, uncond);
    auto want = d.schedule().ddimStep(u + 7.5 * (c - u), x, n);
    EXPECT_TRUE(torch::allclose(got, want, 1e-4, 1e-4)) << (got - want).abs().max().item<float>();
    auto prev = d.schedule().previousTimesteps(n);
    auto target = d.schedule().consistencyOutput(d.target()->forward(got, prev, cond), got, prev);
    EXPECT_TRUE(torch::equal(target[0], got[0])) << "the boundary: f(x, 0) = x";
    EXPECT_FALSE(torch::equal(target[1], got[1]));
}

TEST(ConsistencyDistiller, FewStepsExportAVariantOfTheSameConfig)
{
    const fs::path out = fs::temp_directory_path() / "md-distil-test";
    fs::remove_all(out);
    ASSERT_TRUE(DistillRun::run(smallRun(out.string()), {}).isOk());

    const fs::path file = out / "unet" / ConsistencyDistiller::kVariantFile;
    ASSERT_TRUE(fs::exists(file));
    ASSERT_TRUE(fs::exists(out / "preview.png"));
    std::ifstream a(out / "unet" / "config.json"),
        b(test::sourcePath("resources/models/mds-tiny/unet/config.json"));
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}),
              std::string(std::istreambuf_iterator<char>(b), {}));
    auto st = SafetensorsFile::open(file.string());
    ASSERT_TRUE(st.isOk()) << st.error();
    EXPECT_EQ((*st)->metadata().at("md_variant"), "lcm");
    for (const auto& info : (*st)->tensors())
        EXPECT_EQ(info.dtype, "F16") << info.name;

    // It loads into a UNet of the teacher's config and differs from the teacher.
    auto ck = loadCheckpoint(test::sourcePath("resources/models/mds-tiny"));
    ASSERT_TRUE(ck.isOk()) << ck.error();
    auto teacher = nn::loadUNet(ck->config.unet, ck->unet, torch::kFloat32);
    auto student = nn::createUNet(ck->config.unet);
    ASSERT_TRUE(teacher.isOk() && student.isOk());
    ASSERT_TRUE(ModuleWeights::load(file.string(), **student).isOk());
    auto tp = (*teacher)->parameters(), sp = (*student)->parameters();
    ASSERT_EQ(tp.size(), sp.size());
    double maxDiff = 0;
    for (size_t i = 0; i < tp.size(); ++i) {
        ASSERT_TRUE(torch::isfinite(sp[i]).all().item<bool>());
        maxDiff = std::max(maxDiff, (tp[i] - sp[i]).abs().max().item<double>());
    }
    EXPECT_GT(maxDiff, 1e-3);
    EXPECT_LT(maxDiff, 1.0);

    std::ifstream summary(out / "distil.json");
    auto j = nlohmann::json::parse(summary);
    EXPECT_EQ(j["steps"], 3);
    EXPECT_TRUE(std::isfinite(j["last_loss"].get<double>()));
    EXPECT_GT(j["last_loss"].get<double>(), 0.0);
    fs::remove_all(out);
}

TEST(ConsistencyDistiller, StepsHaveFiniteLossAndStopAtTheTimeLimit)
{
    ConsistencyDistiller d(smallRun(""));
    ASSERT_TRUE(d.prepare().isOk());
    for (int i = 0; i < 2; ++i) {
        DistillStep s = d.step();
        EXPECT_TRUE(std::isfinite(s.loss));
        EXPECT_GT(s.loss, 0.0);
        EXPECT_EQ(s.target.sizes(), s.student.sizes());
        EXPECT_FALSE(s.target.requires_grad());
    }
    EXPECT_EQ(d.stepsDone(), 2);
    const fs::path out = fs::temp_directory_path() / "md-distil-limit-test";
    fs::remove_all(out);
    ConsistencyDistillOptions o = smallRun(out.string());
    o.steps = 1000;
    o.maxSeconds = 1e-3; // up before the first step: exports the teacher's copy
    o.previewSteps = 0;
    ASSERT_TRUE(DistillRun::run(o, {}).isOk());
    std::ifstream summary(out / "distil.json");
    EXPECT_EQ(nlohmann::json::parse(summary)["steps"], 0);
    EXPECT_TRUE(fs::exists(out / "unet" / ConsistencyDistiller::kVariantFile));
    fs::remove_all(out);
}

} // namespace
} // namespace md

// The fusion of guided predictions followed by one global DDIM step must equal the official
// MultiDiffusion algorithm (omerbt/MultiDiffusion region_based.py): per view, bootstrap the
// regions, DDIM-step every prompt's latent separately, then average the stepped latents
// with the masks. Both are implemented here around the same toy model, so this checks the
// algebra, the view crops, the bootstrapping and the order of the random draws.

#include "engine/fusion/FusedDenoiser.h"

#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/io/ModelConfig.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <gtest/gtest.h>

using namespace md;

namespace {

// A deterministic, nonlinear toy "UNet": depends on the input, the timestep and the context.
torch::Tensor toyUnet(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& ctx)
{
    auto tt = (t / 1000.0).view({-1, 1, 1, 1});
    auto c = ctx.mean({1, 2}).view({-1, 1, 1, 1});
    return torch::tanh(x * (0.5 + tt)) * 0.7 + c * 0.3 + torch::sin(x * 3.0) * 0.1 * tt;
}

torch::Tensor toyFusionUnet(const torch::Tensor& x, const torch::Tensor& t,
                            const UNetConditioning& c)
{
    return toyUnet(x, t, c.context);
}

struct ToySetup
{
    std::vector<FusionPrompt> prompts;
    RegionMaps maps;
    std::vector<View> views;
    torch::Tensor backgrounds;
    torch::Tensor init;
};

ToySetup makeSetup(int h, int w, int window)
{
    ToySetup s;
    torch::manual_seed(0);
    for (int i = 0; i < 3; ++i)
        s.prompts.push_back({torch::randn({1, 5, 6}), torch::randn({1, 5, 6})});
    // Two box regions on a (8h x 8w) canvas, overlapping a little.
    Region a;
    a.box = Box{0, 0, 8 * w / 2, 8 * h};
    Region b;
    b.box = Box{8 * w / 3, 8 * h / 4, 8 * w / 2, 8 * h / 2};
    s.maps = *RegionWeights::build({a, b}, 8 * w, 8 * h, 8, 0.f);
    s.views = ViewGrid(h, w, window, 4, false).views();
    s.backgrounds = torch::randn({3, 4, std::min(window, h), std::min(window, w)});
    return s;
}

// The official algorithm, literally: per view, per prompt latents stepped, then averaged.
torch::Tensor officialStep(const ToySetup& s, Sampler& ddim, const torch::Tensor& x, int i,
                           int bootSteps, Rng& rng, float cfg)
{
    auto value = torch::zeros_like(x);
    auto count = torch::zeros_like(x);
    const int n = static_cast<int>(s.prompts.size());
    const double t = ddim.timesteps()[static_cast<size_t>(i)];
    for (const View& v : s.views) {
        auto xv = x.narrow(2, v.y, v.height).narrow(3, v.x, v.width);
        auto masks = s.maps.weights.narrow(2, v.y, v.height).narrow(3, v.x, v.width);
        std::vector<torch::Tensor> latents(static_cast<size_t>(n), xv);
        if (i < bootSteps) {
            auto idx = rng.randint(0, s.backgrounds.size(0), {n - 1});
            for (int k = 1; k < n; ++k) {
                auto bg = s.backgrounds[idx[k - 1].item<int64_t>()].unsqueeze(0);
                auto noise = s.init.narrow(2, v.y, v.height).narrow(3, v.x, v.width);
                auto bgT = ddim.addNoise(bg, noise, i);
                auto m = masks[k].unsqueeze(0);
                latents[static_cast<size_t>(k)] = xv * m + bgT * (1 - m);
            }
        }
        for (int k = 0; k < n; ++k) {
            auto lat = latents[static_cast<size_t>(k)];
            auto tt = torch::full({1}, t);
            auto u = toyUnet(lat, tt, s.prompts[static_cast<size_t>(k)].uncond.context);
            auto c = toyUnet(lat, tt, s.prompts[static_cast<size_t>(k)].cond.context);
            auto eps = u + cfg * (c - u);
            auto stepped = ddim.step(eps, i, lat, rng);
            auto m = masks[k].unsqueeze(0);
            value.narrow(2, v.y, v.height).narrow(3, v.x, v.width).add_(stepped * m);
            count.narrow(2, v.y, v.height).narrow(3, v.x, v.width).add_(m);
        }
    }
    return torch::where(count > 0, value / count, value);
}

void compareWithOfficial(int h, int w, int window, int maxBatch, int bootSteps)
{
    torch::NoGradGuard noGrad;
    ToySetup s = makeSetup(h, w, window);
    SchedulerConfig config;
    auto ddimFused = makeSampler(SamplerKind::Ddim, config, PredictionType::Epsilon);
    auto ddimRef = makeSampler(SamplerKind::Ddim, config, PredictionType::Epsilon);
    const int steps = 5;
    ddimFused->setTimesteps(steps);
    ddimRef->setTimesteps(steps);
    const float cfg = 7.5f;

    Rng rngFused(11), rngRef(11);
    auto init = rngFused.randn({1, 4, h, w});
    rngRef.randn({1, 4, h, w});
    s.init = init;

    FusionSetup fs;
    fs.prompts = s.prompts;
    fs.weights = s.maps.weights;
    fs.coverage = s.maps.coverage;
    fs.views = s.views;
    fs.cfg = cfg;
    fs.maxBatch = maxBatch;
    fs.bootstrapSteps = bootSteps;
    fs.backgrounds = s.backgrounds;
    fs.initNoise = init;
    FusedDenoiser denoiser(*ddimFused, toyFusionUnet, fs, rngFused);

    auto xFused = init.clone();
    auto xRef = init.clone();
    for (int i = 0; i < steps; ++i) {
        auto out = denoiser.predict(xFused, i);
        xFused = ddimFused->step(out, i, xFused, rngFused);
        xRef = officialStep(s, *ddimRef, xRef, i, bootSteps, rngRef, cfg);
    }
    const double err = (xFused - xRef).abs().max().item<double>();
    const double scale = xRef.abs().max().item<double>();
    std::cout << "fused vs official (" << h << "x" << w << ", window " << window << ", batch "
              << maxBatch << ", boot " << bootSteps << "): max|diff| " << err << "\n";
    EXPECT_LT(err, 1e-4 * std::max(1.0, scale));
    // Both consumed the same random numbers in the same order.
    EXPECT_TRUE(torch::equal(rngFused.randn({3}), rngRef.randn({3})));
}

} // namespace

TEST(FusedDenoiser, EqualsOfficialAlgorithmForRegions)
{
    compareWithOfficial(16, 16, 16, 2, 0);
}

TEST(FusedDenoiser, EqualsOfficialAlgorithmWithBootstrapping)
{
    compareWithOfficial(16, 16, 16, 6, 3);
}

TEST(FusedDenoiser, EqualsOfficialAlgorithmOverManyViews)
{
    compareWithOfficial(12, 28, 8, 4, 2);
}

TEST(FusedDenoiser, CancelBetweenBatchesReturnsUndefined)
{
    ToySetup s = makeSetup(8, 8, 8);
    SchedulerConfig config;
    auto ddim = makeSampler(SamplerKind::Ddim, config, PredictionType::Epsilon);
    ddim->setTimesteps(4);
    Rng rng(1);
    std::atomic<bool> cancel{false};
    FusionSetup fs;
    fs.prompts = s.prompts;
    fs.weights = s.maps.weights;
    fs.coverage = s.maps.coverage;
    fs.views = s.views;
    fs.maxBatch = 2;
    int calls = 0;
    auto unet = [&](const torch::Tensor& x, const torch::Tensor& t, const UNetConditioning& c) {
        if (++calls == 2)
            cancel = true;
        return toyUnet(x, t, c.context);
    };
    FusedDenoiser denoiser(*ddim, unet, fs, rng, &cancel);
    auto out = denoiser.predict(torch::randn({1, 4, 8, 8}), 0);
    EXPECT_FALSE(out.defined());
    EXPECT_EQ(calls, 2); // stopped right after the batch in flight
}

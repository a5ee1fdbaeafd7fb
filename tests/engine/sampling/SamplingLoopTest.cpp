// The loop's control flow: cancel before a step, cancel signalled by the denoiser, errors.

#include "engine/sampling/SamplingLoop.h"

#include "engine/sampling/Denoiser.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <atomic>
#include <gtest/gtest.h>
#include <stdexcept>
#include <torch/torch.h>

using namespace md;

namespace {

class CountingDenoiser : public Denoiser
{
public:
    std::function<torch::Tensor(const torch::Tensor&, int)> body;
    int calls = 0;
    torch::Tensor predict(const torch::Tensor& x, int i) override
    {
        ++calls;
        return body ? body(x, i) : torch::zeros_like(x);
    }
};

std::unique_ptr<Sampler> makeEuler(int steps)
{
    auto s = makeSampler(SamplerKind::Euler, SchedulerConfig{}, PredictionType::Epsilon);
    s->setTimesteps(steps);
    return s;
}

} // namespace

TEST(SamplingLoop, CancelBeforeAStepStopsTheLoop)
{
    auto sampler = makeEuler(6);
    CountingDenoiser d;
    std::atomic<bool> cancel{false};
    LoopCallbacks cb;
    cb.cancel = &cancel;
    cb.onStep = [&](int i, const torch::Tensor&, const torch::Tensor&) {
        if (i == 1)
            cancel = true;
    };
    Rng rng(0);
    auto r = runSampling(*sampler, d, torch::zeros({1, 4, 4, 4}), rng, cb);
    EXPECT_FALSE(r.isOk());
    EXPECT_TRUE(r.status().isCancelled());
    EXPECT_EQ(d.calls, 2);
}

TEST(SamplingLoop, UndefinedPredictionMeansCancelled)
{
    auto sampler = makeEuler(4);
    CountingDenoiser d;
    d.body = [](const torch::Tensor& x, int i) { return i == 2 ? torch::Tensor() : x * 0; };
    Rng rng(0);
    auto r = runSampling(*sampler, d, torch::zeros({1, 4, 4, 4}), rng);
    EXPECT_TRUE(r.status().isCancelled());
    EXPECT_EQ(d.calls, 3);
}

TEST(SamplingLoop, ExceptionsBecomeErrors)
{
    auto sampler = makeEuler(4);
    CountingDenoiser d;
    d.body = [](const torch::Tensor&, int) -> torch::Tensor {
        throw std::runtime_error("unet: out of memory");
    };
    Rng rng(0);
    auto r = runSampling(*sampler, d, torch::zeros({1, 4, 4, 4}), rng);
    ASSERT_FALSE(r.isOk());
    EXPECT_FALSE(r.status().isCancelled());
    EXPECT_NE(r.error().find("out of memory"), std::string::npos) << r.error();
}

TEST(SamplingLoop, NeedsTimesteps)
{
    auto sampler = makeSampler(SamplerKind::Ddim, SchedulerConfig{}, PredictionType::Epsilon);
    CountingDenoiser d;
    Rng rng(0);
    auto r = runSampling(*sampler, d, torch::zeros({1, 4, 4, 4}), rng);
    EXPECT_FALSE(r.isOk());
    EXPECT_EQ(d.calls, 0);
}

TEST(SamplingLoop, StartsAtTheFirstStepAndAppliesTheAfterStepHook)
{
    auto sampler = makeEuler(6);
    CountingDenoiser d;
    std::vector<int> seen;
    d.body = [&](const torch::Tensor& x, int i) {
        seen.push_back(i);
        return torch::zeros_like(x);
    };
    LoopCallbacks cb;
    std::vector<int> hooked;
    cb.afterStep = [&](int i, const torch::Tensor& x) {
        hooked.push_back(i);
        return x + 1.0;
    };
    Rng rng(0);
    auto r = runSampling(*sampler, d, torch::zeros({1, 4, 4, 4}), rng, cb, 4);
    ASSERT_TRUE(r.isOk()) << r.error();
    EXPECT_EQ(seen, (std::vector<int>{4, 5}));
    EXPECT_EQ(hooked, (std::vector<int>{4, 5}));
    // A zero prediction keeps Euler's x as it is; each hook adds 1.
    EXPECT_TRUE(torch::allclose(r.value(), torch::full({1, 4, 4, 4}, 2.0)));

    auto outside = runSampling(*sampler, d, torch::zeros({1, 4, 4, 4}), rng, {}, 6);
    EXPECT_FALSE(outside.isOk());
}

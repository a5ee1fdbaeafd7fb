// Which (view, prompt) pairs carry weight: the integral-image count against a brute-force
// crop of every pair, wrapping views included, and the fused denoiser evaluating exactly
// those pairs (its equality with the official all-pairs algorithm is in FusedDenoiserTest).

#include "engine/fusion/ViewPromptPairs.h"

#include "engine/fusion/FusedDenoiser.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/io/ModelConfig.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <gtest/gtest.h>

using namespace md;

namespace {

bool hasWeight(const torch::Tensor& weights, const View& v, int prompt)
{
    const int64_t w = weights.size(3);
    auto cols = torch::remainder(torch::arange(v.x, v.x + v.width, torch::kLong), w);
    auto crop = weights[prompt].narrow(1, v.y, v.height).index_select(2, cols);
    return (crop > 0).any().item<bool>();
}

std::vector<std::pair<int, int>> bruteForce(const torch::Tensor& weights,
                                            const std::vector<View>& views)
{
    std::vector<std::pair<int, int>> out;
    for (size_t v = 0; v < views.size(); ++v)
        for (int p = 0; p < weights.size(0); ++p)
            if (hasWeight(weights, views[v], p))
                out.emplace_back(static_cast<int>(v), p);
    return out;
}

std::vector<std::pair<int, int>> asPairs(const std::vector<ViewPromptPair>& pairs)
{
    std::vector<std::pair<int, int>> out;
    for (const auto& p : pairs)
        out.emplace_back(p.view, p.prompt);
    return out;
}

} // namespace

TEST(ViewPromptPairs, MatchesACropOfEveryPairWithWrappingViews)
{
    torch::manual_seed(3);
    for (const bool circular : {false, true}) {
        // Sparse maps: a few isolated positive pixels per prompt, and one empty prompt.
        auto weights = torch::zeros({4, 1, 24, 40});
        weights.index_put_({0}, (torch::rand({1, 24, 40}) > 0.97).to(torch::kFloat32));
        weights.index_put_({1}, (torch::rand({1, 24, 40}) > 0.995).to(torch::kFloat32) * 0.25);
        weights[2][0][23][39] = 1e-6f; // the last pixel: only views touching the corner
        const auto views = ViewGrid(24, 40, 16, 4, circular).views();
        const auto got = asPairs(activeViewPromptPairs(weights, views));
        EXPECT_EQ(got, bruteForce(weights, views)) << "circular " << circular;
        for (const auto& [v, p] : got)
            EXPECT_NE(p, 3) << "prompt 3 has no weight anywhere";
    }
}

TEST(ViewPromptPairs, FusedDenoiserEvaluatesOnlyPairsWithWeight)
{
    torch::NoGradGuard noGrad;
    // A 12x28 latent canvas, views of 8 every 4; a region on the left third only, strength 1,
    // so the background has no weight under it and the region none on the right.
    Region left;
    left.box = Box{0, 0, 8 * 9, 8 * 12};
    auto maps = *RegionWeights::build({left}, 8 * 28, 8 * 12, 8, 0.f);
    FusionSetup fs;
    torch::manual_seed(0);
    for (int i = 0; i < 2; ++i)
        fs.prompts.push_back(
            {TextEncoding{torch::randn({1, 5, 6}), {}}, TextEncoding{torch::randn({1, 5, 6}), {}}});
    fs.weights = maps.weights;
    fs.coverage = maps.coverage;
    fs.views = ViewGrid(12, 28, 8, 4, false).views();
    fs.maxBatch = 4;
    const auto active = activeViewPromptPairs(fs.weights, fs.views);
    const int all = static_cast<int>(fs.views.size()) * 2;
    ASSERT_LT(static_cast<int>(active.size()), all);
    ASSERT_GT(static_cast<int>(active.size()), static_cast<int>(fs.views.size()) / 2);

    SchedulerConfig config;
    auto ddim = makeSampler(SamplerKind::Ddim, config, PredictionType::Epsilon);
    ddim->setTimesteps(4);
    Rng rng(1);
    int64_t samples = 0;
    auto unet = [&](const torch::Tensor& x, const torch::Tensor&, const UNetConditioning& c) {
        samples += x.size(0);
        return torch::tanh(x) + c.context.mean({1, 2}).view({-1, 1, 1, 1});
    };
    FusedDenoiser denoiser(*ddim, unet, fs, rng);
    auto out = denoiser.predict(torch::randn({1, 4, 12, 28}), 0);
    ASSERT_TRUE(out.defined());
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
    EXPECT_EQ(samples, 2 * static_cast<int64_t>(active.size())); // uncond + cond per pair
    EXPECT_EQ(denoiser.batchesPerStep(), (static_cast<int>(active.size()) + 1) / 2);
}

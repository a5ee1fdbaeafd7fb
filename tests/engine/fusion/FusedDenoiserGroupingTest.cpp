// LoRA per region in the fused denoiser. Grouped (FusionSetup::groupLoraSets): the UNet calls
// of a step are grouped by the prompts' LoRA weights (FusionPrompt::adapterWeights), so a call
// never mixes sets and the passes of one set share calls. Mixed (the default): the calls are
// those of the run without LoRAs, a call with several sets carries one row of weights per
// sample. The fused result depends on neither. A fake UNet records what each call carries.
// At cfg <= 1 (FusionSetup::guided off) a call carries the cond passes alone, one sample per
// pair.

#include "engine/fusion/BatchBudget.h"
#include "engine/fusion/FusedDenoiser.h"
#include "engine/fusion/RegionWeights.h"
#include "engine/fusion/ViewGrid.h"
#include "engine/fusion/ViewPromptPairs.h"
#include "engine/io/ModelConfig.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace md;

namespace {

constexpr int kH = 12;
constexpr int kW = 40;
constexpr int kWindow = 8;

// Prompt k's cond context is all (k + 1), its uncond all -(k + 1): a call's samples say
// which prompt they belong to.
FusionSetup makeSetup(const std::vector<std::vector<float>>& adapterWeights, int maxBatch,
                      bool group = true)
{
    FusionSetup fs;
    fs.groupLoraSets = group;
    for (size_t k = 0; k < adapterWeights.size(); ++k) {
        const float id = static_cast<float>(k + 1);
        FusionPrompt p{torch::full({1, 5, 6}, id), torch::full({1, 5, 6}, -id)};
        p.adapterWeights = adapterWeights[k];
        fs.prompts.push_back(p);
    }
    std::vector<Region> regions;
    for (size_t k = 1; k < adapterWeights.size(); ++k) {
        Region r;
        // Boxes spread over the canvas, each a quarter of its width.
        const int x = static_cast<int>((k - 1) * (8 * kW) / adapterWeights.size());
        r.box = Box{x, 8, 8 * kW / 4, 8 * kH / 2};
        regions.push_back(r);
    }
    auto maps = RegionWeights::build(regions, 8 * kW, 8 * kH, 8, 0.f);
    fs.weights = maps->weights;
    fs.coverage = maps->coverage;
    fs.views = ViewGrid(kH, kW, kWindow, 4, false).views();
    fs.cfg = 5.0f;
    fs.maxBatch = maxBatch;
    fs.bootstrapSteps = 2;
    torch::manual_seed(3);
    fs.backgrounds = torch::randn({2, 4, kWindow, kWindow});
    fs.initNoise = torch::randn({1, 4, kH, kW});
    return fs;
}

struct Call
{
    std::vector<float> weights;
    std::vector<std::vector<float>> rows; // per sample (mixed calls)
    std::vector<int> prompts;             // of the cond half (guided), of all samples (not guided)
    int64_t samples = 0;
};

float weightSum(const std::vector<float>& w)
{
    float s = 0;
    for (size_t i = 0; i < w.size(); ++i)
        s += w[i] * static_cast<float>(i + 1);
    return s;
}

// A toy UNet whose output depends on the input, the timestep, the context and the LoRA set.
UNetFunction recordingUnet(std::vector<Call>& calls, bool guided)
{
    return [&calls, guided](const torch::Tensor& x, const torch::Tensor& t,
                            const UNetConditioning& c) {
        Call call{c.adapterWeights, c.sampleAdapterWeights, {}, x.size(0)};
        const int64_t first = guided ? x.size(0) / 2 : 0; // the cond samples
        for (int64_t i = first; i < x.size(0); ++i)
            call.prompts.push_back(
                static_cast<int>(std::lround(c.context[i].mean().item<double>())) - 1);
        calls.push_back(call);
        auto tt = (t / 1000.0).view({-1, 1, 1, 1});
        auto ctx = c.context.mean({1, 2}).view({-1, 1, 1, 1});
        std::vector<float> sums;
        for (int64_t i = 0; i < x.size(0); ++i)
            sums.push_back(weightSum(c.sampleAdapterWeights.empty()
                                         ? c.adapterWeights
                                         : c.sampleAdapterWeights[static_cast<size_t>(i)]));
        auto lora = torch::tensor(sums).view({-1, 1, 1, 1});
        return torch::tanh(x * (0.5 + tt)) * 0.7 + ctx * 0.3 + 0.05 * lora * torch::sin(x * 2.0);
    };
}

struct StepRun
{
    torch::Tensor out;
    std::vector<Call> calls;
    int batchesPerStep = 0;
    torch::Tensor nextDraw; // the generator's next randn after the step
};

StepRun runStep(const std::vector<std::vector<float>>& sets, int maxBatch, int stepIndex = 0,
                float cfg = 5.0f, bool guided = true, bool group = true)
{
    torch::NoGradGuard noGrad;
    SchedulerConfig config;
    auto ddim = makeSampler(SamplerKind::Ddim, config, PredictionType::Epsilon);
    ddim->setTimesteps(4);
    StepRun run;
    Rng rng(5);
    auto x = rng.randn({1, 4, kH, kW});
    FusionSetup setup = makeSetup(sets, maxBatch, group);
    setup.cfg = cfg;
    setup.guided = guided;
    FusedDenoiser denoiser(*ddim, recordingUnet(run.calls, guided), std::move(setup), rng);
    run.batchesPerStep = denoiser.batchesPerStep();
    run.out = denoiser.predict(x, stepIndex);
    run.nextDraw = rng.randn({4});
    return run;
}

const std::vector<std::vector<float>> kMixed{{0.5f}, {0.5f, 1.0f}, {0.5f}, {}, {0.5f, 1.0f}};

} // namespace

TEST(FusedDenoiserGrouping, CallsNeverMixSetsAndEveryPassRunsOnce)
{
    const FusionSetup setup = makeSetup(kMixed, 6);
    const auto pairs = activeViewPromptPairs(setup.weights, setup.views);
    const StepRun run = runStep(kMixed, 6);
    ASSERT_EQ(static_cast<int>(run.calls.size()), run.batchesPerStep);
    std::vector<int> passes(kMixed.size(), 0);
    for (const Call& call : run.calls) {
        EXPECT_LE(call.prompts.size(), 3u);
        for (int p : call.prompts) {
            EXPECT_EQ(kMixed[static_cast<size_t>(p)], call.weights) << "prompt " << p;
            ++passes[static_cast<size_t>(p)];
        }
    }
    std::vector<int> expected(kMixed.size(), 0);
    for (const ViewPromptPair& pair : pairs)
        ++expected[static_cast<size_t>(pair.prompt)];
    EXPECT_EQ(passes, expected);
    // Three sets: {0.5} (prompts 0 and 2), {0.5, 1} (1 and 4), {} (3); each set's calls full
    // but its last.
    int setCalls = 0;
    for (const auto& set : std::vector<std::vector<float>>{{0.5f}, {0.5f, 1.0f}, {}}) {
        int paths = 0;
        for (size_t p = 0; p < kMixed.size(); ++p)
            if (kMixed[p] == set)
                paths += expected[p];
        setCalls += batchesPerStep(paths, 6);
    }
    EXPECT_EQ(run.batchesPerStep, setCalls);
}

TEST(FusedDenoiserGrouping, ResultDoesNotDependOnTheGrouping)
{
    // One pair per call (no grouping possible) against many pairs per call, bootstrapped
    // step: the same prediction and the same random draws.
    const StepRun single = runStep(kMixed, 2, 0);
    const StepRun grouped = runStep(kMixed, 16, 0);
    EXPECT_LT(grouped.batchesPerStep, single.batchesPerStep);
    const double diff = (single.out - grouped.out).abs().max().item<double>();
    std::cout << "one pair per call vs grouped: max|diff| " << diff << "\n";
    EXPECT_LT(diff, 1e-6);
    EXPECT_TRUE(torch::equal(single.nextDraw, grouped.nextDraw));
    // And the sets matter: without them the prediction differs.
    const StepRun plain = runStep(std::vector<std::vector<float>>(kMixed.size()), 16, 0);
    EXPECT_GT((plain.out - grouped.out).abs().max().item<double>(), 1e-3);
    EXPECT_TRUE(torch::equal(plain.nextDraw, grouped.nextDraw));
}

TEST(FusedDenoiserGrouping, WithoutLorasTheCallsAreTheUngroupedOnes)
{
    const std::vector<std::vector<float>> none(kMixed.size());
    const FusionSetup setup = makeSetup(none, 6);
    const auto pairs = activeViewPromptPairs(setup.weights, setup.views);
    const StepRun run = runStep(none, 6);
    EXPECT_EQ(run.batchesPerStep, batchesPerStep(static_cast<int>(pairs.size()), 6));
    // Loop order, 3 pairs per call.
    size_t next = 0;
    for (const Call& call : run.calls) {
        EXPECT_TRUE(call.weights.empty());
        for (int p : call.prompts)
            EXPECT_EQ(p, pairs[next++].prompt);
    }
    EXPECT_EQ(next, pairs.size());
}

TEST(FusedDenoiserGrouping, RegionsSharingASetShareCalls)
{
    const StepRun same = runStep({{}, {1.0f}, {1.0f}, {1.0f}, {1.0f}}, 32);
    const StepRun different = runStep({{}, {1.0f}, {0.0f, 1.0f}, {0.0f, 0.0f, 1.0f}, {2.0f}}, 32);
    std::cout << "calls per step: regions sharing one set " << same.batchesPerStep << ", four sets "
              << different.batchesPerStep << "\n";
    EXPECT_LT(same.batchesPerStep, different.batchesPerStep);
    EXPECT_EQ(static_cast<int>(same.calls.size()), same.batchesPerStep);
}

TEST(FusedDenoiserGrouping, UnguidedCallsTakeTheCondPassesAlone)
{
    // cfg 1 without guidance: one sample per pair, so twice the pairs per call, the same
    // grouping by set, every pass once, and the guided formula's result at cfg 1.
    const FusionSetup setup = makeSetup(kMixed, 6);
    const auto pairs = activeViewPromptPairs(setup.weights, setup.views);
    const StepRun guided = runStep(kMixed, 6, 0, 1.0f, true);
    const StepRun live = runStep(kMixed, 6, 0, 1.0f, false);
    ASSERT_EQ(static_cast<int>(live.calls.size()), live.batchesPerStep);
    std::vector<int> passes(kMixed.size(), 0), expected(kMixed.size(), 0);
    int64_t guidedSamples = 0, liveSamples = 0;
    for (const Call& call : guided.calls)
        guidedSamples += call.samples;
    for (const Call& call : live.calls) {
        EXPECT_LE(call.samples, 6);
        EXPECT_EQ(call.samples, static_cast<int64_t>(call.prompts.size()));
        liveSamples += call.samples;
        for (int p : call.prompts) {
            EXPECT_EQ(kMixed[static_cast<size_t>(p)], call.weights) << "prompt " << p;
            ++passes[static_cast<size_t>(p)];
        }
    }
    for (const ViewPromptPair& pair : pairs)
        ++expected[static_cast<size_t>(pair.prompt)];
    EXPECT_EQ(passes, expected);
    EXPECT_EQ(guidedSamples, 2 * liveSamples);
    int setCalls = 0;
    for (const auto& set : std::vector<std::vector<float>>{{0.5f}, {0.5f, 1.0f}, {}}) {
        int paths = 0;
        for (size_t p = 0; p < kMixed.size(); ++p)
            if (kMixed[p] == set)
                paths += expected[p];
        setCalls += batchesPerStep(paths, 6, 1);
    }
    EXPECT_EQ(live.batchesPerStep, setCalls);
    EXPECT_LT(live.batchesPerStep, guided.batchesPerStep);
    const double diff = (live.out - guided.out).abs().max().item<double>();
    std::cout << "cfg 1, cond alone vs guided formula: max|diff| " << diff << "\n";
    EXPECT_LT(diff, 1e-5 * guided.out.abs().max().item<double>());
    EXPECT_TRUE(torch::equal(live.nextDraw, guided.nextDraw));
    // Above 1 the guided prediction differs: the test can tell the paths apart.
    const StepRun strong = runStep(kMixed, 6, 0, 5.0f, true);
    EXPECT_GT((strong.out - live.out).abs().max().item<double>(), 1e-3);
}

TEST(FusedDenoiserGrouping, MixedCallsAreTheUngroupedOnesWithPerSampleWeights)
{
    const FusionSetup setup = makeSetup(kMixed, 6, false);
    const auto pairs = activeViewPromptPairs(setup.weights, setup.views);
    const StepRun run = runStep(kMixed, 6, 0, 5.0f, true, false);
    EXPECT_EQ(run.batchesPerStep, batchesPerStep(static_cast<int>(pairs.size()), 6));
    ASSERT_EQ(static_cast<int>(run.calls.size()), run.batchesPerStep);
    size_t next = 0;
    int mixedCalls = 0;
    for (const Call& call : run.calls) {
        const size_t n = call.prompts.size();
        for (size_t i = 0; i < n; ++i)
            EXPECT_EQ(call.prompts[i], pairs[next++].prompt);
        if (call.rows.empty()) { // one set: passed as the call's weights
            for (int p : call.prompts)
                EXPECT_EQ(call.weights, kMixed[static_cast<size_t>(p)]);
            continue;
        }
        ++mixedCalls;
        EXPECT_TRUE(call.weights.empty());
        ASSERT_EQ(call.rows.size(), 2 * n); // uncond rows, then cond rows
        for (size_t i = 0; i < n; ++i) {
            EXPECT_EQ(call.rows[i], kMixed[static_cast<size_t>(call.prompts[i])]);
            EXPECT_EQ(call.rows[n + i], kMixed[static_cast<size_t>(call.prompts[i])]);
        }
    }
    EXPECT_EQ(next, pairs.size());
    EXPECT_GT(mixedCalls, 0);
    EXPECT_LT(run.batchesPerStep, runStep(kMixed, 6, 0, 5.0f, true, true).batchesPerStep);
}

TEST(FusedDenoiserGrouping, MixedEqualsGrouped)
{
    const StepRun grouped = runStep(kMixed, 6, 0, 5.0f, true, true);
    const StepRun mixed = runStep(kMixed, 6, 0, 5.0f, true, false);
    const double diff = (mixed.out - grouped.out).abs().max().item<double>();
    std::cout << "mixed vs grouped calls: max|diff| " << diff << "\n";
    EXPECT_LT(diff, 1e-6);
    EXPECT_TRUE(torch::equal(mixed.nextDraw, grouped.nextDraw));
}

TEST(FusedDenoiserGrouping, MixedUnguidedCallsCarryOneRowPerSample)
{
    // cfg 1 (no unconditional pass) with calls mixing LoRA sets: one weight row per sample,
    // the same prediction as grouped calls.
    const StepRun mixed = runStep(kMixed, 6, 0, 1.0f, false, false);
    const StepRun grouped = runStep(kMixed, 6, 0, 1.0f, false, true);
    int mixedCalls = 0;
    for (const Call& call : mixed.calls) {
        EXPECT_EQ(call.samples, static_cast<int64_t>(call.prompts.size()));
        if (call.rows.empty())
            continue;
        ++mixedCalls;
        ASSERT_EQ(call.rows.size(), call.prompts.size());
        for (size_t i = 0; i < call.rows.size(); ++i)
            EXPECT_EQ(call.rows[i], kMixed[static_cast<size_t>(call.prompts[i])]);
    }
    EXPECT_GT(mixedCalls, 0);
    EXPECT_LT(mixed.batchesPerStep, grouped.batchesPerStep);
    EXPECT_LT((mixed.out - grouped.out).abs().max().item<double>(), 1e-6);
}

#include "engine/nn/LowRankAdapter.h"

#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/NnTestSupport.h"
#include "engine/nn/Transformer2DModel.h"

#include <gtest/gtest.h>
#include <thread>
#include <torch/torch.h>
#include <tuple>

// Run-time LoRA adapters on Linear and Conv2d layers against the same layer with the merged
// weight W + s * up @ down (s = slot weight * alpha / r), in float64 so that the only
// difference is the order of the sums.

using md::nn::AdapterScales;
using md::nn::LowRankAdapter;

namespace {

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

LowRankAdapter linearAdapter(int64_t in, int64_t out, int64_t r, int slot, double alphaOverRank)
{
    LowRankAdapter a;
    a.slot = slot;
    a.down = torch::randn({r, in}, kF64);
    a.up = torch::randn({out, r}, kF64);
    a.alphaOverRank = alphaOverRank;
    return a;
}

LowRankAdapter convAdapter(int64_t in, int64_t out, int64_t r, int64_t k, bool cp, int slot)
{
    LowRankAdapter a;
    a.slot = slot;
    if (cp) {
        a.down = torch::randn({r, in, 1, 1}, kF64);
        a.mid = torch::randn({r, r, k, k}, kF64);
    } else {
        a.down = torch::randn({r, in, k, k}, kF64);
    }
    a.up = torch::randn({out, r, 1, 1}, kF64);
    a.alphaOverRank = 0.5;
    return a;
}

md::nn::LinearLayer linearF64(int64_t in, int64_t out)
{
    md::nn::LinearLayer layer(in, out);
    layer->to(torch::kFloat64);
    return layer;
}

md::nn::Conv2dLayer convF64(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t padding)
{
    md::nn::Conv2dLayer layer(in, out, k, stride, padding);
    layer->to(torch::kFloat64);
    return layer;
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

TEST(LowRankAdapter, ScalesAreThreadStateAndNest)
{
    EXPECT_FALSE(AdapterScales::anyActive());
    EXPECT_EQ(AdapterScales::weight(0), 0.0f);
    {
        AdapterScales outer({0.5f, 0.0f, 2.0f});
        EXPECT_TRUE(AdapterScales::anyActive());
        EXPECT_EQ(AdapterScales::weight(0), 0.5f);
        EXPECT_EQ(AdapterScales::weight(2), 2.0f);
        EXPECT_EQ(AdapterScales::weight(3), 0.0f);
        EXPECT_EQ(AdapterScales::weight(-1), 0.0f);
        {
            AdapterScales inner({0.0f, 0.0f});
            EXPECT_FALSE(AdapterScales::anyActive());
            EXPECT_EQ(AdapterScales::weight(2), 0.0f);
            {
                AdapterScales innermost({0.0f, 1.5f});
                EXPECT_TRUE(AdapterScales::anyActive());
                EXPECT_EQ(AdapterScales::weight(1), 1.5f);
            }
            EXPECT_FALSE(AdapterScales::anyActive());
        }
        EXPECT_TRUE(AdapterScales::anyActive());
        EXPECT_EQ(AdapterScales::weight(2), 2.0f);
        // Another thread sees none of this thread's scales.
        float otherWeight = -1.0f;
        bool otherActive = true;
        std::thread other([&] {
            otherWeight = AdapterScales::weight(0);
            otherActive = AdapterScales::anyActive();
        });
        other.join();
        EXPECT_EQ(otherWeight, 0.0f);
        EXPECT_FALSE(otherActive);
    }
    EXPECT_FALSE(AdapterScales::anyActive());
    EXPECT_EQ(AdapterScales::weight(0), 0.0f);
}

TEST(LowRankAdapter, LinearEqualsMergedWeight)
{
    torch::manual_seed(1);
    auto layer = linearF64(24, 16);
    auto x = torch::randn({2, 7, 24}, kF64);
    layer->adapters.push_back(linearAdapter(24, 16, 4, 0, 0.25));
    layer->adapters.push_back(linearAdapter(24, 16, 2, 1, 1.0));

    const float w0 = 0.7f, w1 = -1.3f;
    torch::Tensor runTime;
    torch::Tensor runTimeNoGrad; // the in-place path (no autograd graph)
    {
        AdapterScales scales({w0, w1});
        runTime = layer->forward(x);
        torch::NoGradGuard noGrad;
        runTimeNoGrad = layer->forward(x);
    }
    const auto& a0 = layer->adapters[0];
    const auto& a1 = layer->adapters[1];
    auto merged = layer->weight + w0 * 0.25 * a0.up.matmul(a0.down) + w1 * a1.up.matmul(a1.down);
    auto expected = torch::linear(x, merged, layer->bias);
    EXPECT_LT(maxDiff(runTime, expected), 1e-11);
    EXPECT_LT(maxDiff(runTimeNoGrad, expected), 1e-11);
    EXPECT_TRUE(runTime.requires_grad());
    EXPECT_FALSE(runTimeNoGrad.requires_grad());
    EXPECT_GT(maxDiff(runTime, torch::linear(x, layer->weight, layer->bias)), 1e-2);

    // Only slot 1 enabled.
    AdapterScales only1({0.0f, 2.0f});
    auto expected1 = torch::linear(x, layer->weight + 2.0 * a1.up.matmul(a1.down), layer->bias);
    EXPECT_LT(maxDiff(layer->forward(x), expected1), 1e-11);
}

TEST(LowRankAdapter, ConvKxKWithStrideAndPaddingEqualsMergedWeight)
{
    torch::manual_seed(2);
    for (bool cp : {false, true}) {
        for (auto [k, stride, padding] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
                 {3, 1, 1}, {3, 2, 1}, {1, 1, 0}, {5, 2, 2}}) {
            auto layer = convF64(6, 10, k, stride, padding);
            layer->adapters.push_back(convAdapter(6, 10, 3, k, cp, 0));
            auto x = torch::randn({2, 6, 11, 9}, kF64);
            AdapterScales scales({0.8f});
            auto runTime = layer->forward(x);
            torch::Tensor runTimeNoGrad;
            {
                torch::NoGradGuard noGrad;
                runTimeNoGrad = layer->forward(x);
            }
            const auto& a = layer->adapters[0];
            auto delta = md::nn::adapterWeightDelta(a, layer->weight.sizes());
            if (!cp) { // the plain product, written out here
                auto plain = a.up.reshape({10, 3}).matmul(a.down.reshape({3, -1}));
                EXPECT_LT(maxDiff(delta, plain.reshape(layer->weight.sizes())), 1e-12);
            }
            auto merged = layer->weight + static_cast<double>(0.8f) * 0.5 * delta;
            auto expected =
                torch::conv2d(x, merged, layer->bias, {stride, stride}, {padding, padding});
            EXPECT_EQ(runTime.sizes(), expected.sizes());
            EXPECT_LT(maxDiff(runTime, expected), 1e-10)
                << "cp " << cp << " k " << k << " stride " << stride;
            EXPECT_LT(maxDiff(runTimeNoGrad, expected), 1e-10) << "no grad, cp " << cp;
        }
    }
}

TEST(LowRankAdapter, CpDeltaIsTheComposedConvolution)
{
    // The CP delta weight written as a sum, element by element, for one output/input pair.
    torch::manual_seed(3);
    auto a = convAdapter(4, 5, 2, 3, true, 0);
    auto delta = md::nn::adapterWeightDelta(a, {5, 4, 3, 3});
    auto up = a.up.reshape({5, 2});
    auto down = a.down.reshape({2, 4});
    for (int64_t o : {0, 4})
        for (int64_t i : {1, 3}) {
            auto expected = torch::zeros({3, 3}, kF64);
            for (int64_t p = 0; p < 2; ++p)
                for (int64_t q = 0; q < 2; ++q)
                    expected += up[o][p] * a.mid[p][q] * down[q][i];
            EXPECT_LT(maxDiff(delta[o][i], expected), 1e-12);
        }
}

TEST(LowRankAdapter, DoraEqualsMergedFormula)
{
    torch::manual_seed(4);
    // Linear
    auto linear = linearF64(12, 8);
    auto a = linearAdapter(12, 8, 3, 0, 0.5);
    a.doraMagnitude = torch::rand({8}, kF64) + 0.5;
    linear->adapters.push_back(a);
    auto x = torch::randn({3, 12}, kF64);
    const double s = 1.5 * 0.5;
    auto wPrime = linear->weight + s * a.up.matmul(a.down);
    auto mergedLinear = a.doraMagnitude.view({8, 1}) * wPrime / wPrime.norm(2, {1}, true);
    AdapterScales scales({1.5f});
    EXPECT_LT(maxDiff(linear->forward(x), torch::linear(x, mergedLinear, linear->bias)), 1e-11);
    EXPECT_LT(maxDiff(md::nn::mergedAdapterWeight(linear->weight, a, s), mergedLinear), 1e-12);

    // Conv 3x3, stride 2
    auto conv = convF64(4, 6, 3, 2, 1);
    auto c = convAdapter(4, 6, 2, 3, false, 0);
    c.doraMagnitude = torch::rand({6}, kF64) + 0.5;
    conv->adapters.push_back(c);
    auto xc = torch::randn({2, 4, 8, 8}, kF64);
    const double sc = 1.5 * 0.5;
    auto wc = conv->weight + sc * md::nn::adapterWeightDelta(c, conv->weight.sizes());
    auto norm = wc.reshape({6, -1}).norm(2, {1}).view({6, 1, 1, 1});
    auto mergedConv = c.doraMagnitude.view({6, 1, 1, 1}) * wc / norm;
    auto expected = torch::conv2d(xc, mergedConv, conv->bias, {2, 2}, {1, 1});
    EXPECT_LT(maxDiff(conv->forward(xc), expected), 1e-10);
}

TEST(LowRankAdapter, WeightZeroOrNoScalesIsBitIdentical)
{
    torch::manual_seed(5);
    auto linear = md::nn::LinearLayer(16, 8);
    auto conv = md::nn::Conv2dLayer(4, 6, 3, 1, 1);
    auto x = torch::randn({2, 5, 16});
    auto xc = torch::randn({1, 4, 6, 6});
    auto baseLinear = linear->forward(x);
    auto baseConv = conv->forward(xc);
    LowRankAdapter la;
    la.down = torch::randn({2, 16});
    la.up = torch::randn({8, 2});
    la.doraMagnitude = torch::ones({8});
    linear->adapters.push_back(la);
    LowRankAdapter ca;
    ca.down = torch::randn({2, 4, 3, 3});
    ca.up = torch::randn({6, 2, 1, 1});
    conv->adapters.push_back(ca);

    EXPECT_TRUE(torch::equal(linear->forward(x), baseLinear)); // no AdapterScales alive
    EXPECT_TRUE(torch::equal(conv->forward(xc), baseConv));
    {
        AdapterScales zero({0.0f, 1.0f}); // slot 0 off, slot 1 has no adapters here
        EXPECT_TRUE(torch::equal(linear->forward(x), baseLinear));
        EXPECT_TRUE(torch::equal(conv->forward(xc), baseConv));
    }
    AdapterScales on({1.0f});
    EXPECT_FALSE(torch::equal(linear->forward(x), baseLinear));
    EXPECT_FALSE(torch::equal(conv->forward(xc), baseConv));
}

TEST(LowRankAdapter, GradientsReachTheAdapter)
{
    torch::manual_seed(6);
    auto layer = md::nn::LinearLayer(8, 4);
    for (auto& p : layer->parameters())
        p.set_requires_grad(false);
    LowRankAdapter a;
    a.down = torch::randn({2, 8}).requires_grad_(true);
    a.up = torch::zeros({4, 2}).requires_grad_(true); // LoRA's usual start: up = 0
    layer->adapters.push_back(a);
    AdapterScales scales({1.0f});
    auto x = torch::randn({3, 8});
    layer->forward(x).pow(2).sum().backward();
    ASSERT_TRUE(a.up.grad().defined());
    EXPECT_GT(a.up.grad().abs().sum().item<double>(), 0.0);
    ASSERT_TRUE(a.down.grad().defined()); // zero (up is 0) but computed
}

TEST(LowRankAdapter, TransformerProjectionsUseTheirAdapters)
{
    // proj_in/proj_out run as matrix products inside Transformer2DModel (1x1 conv in SD 1.x):
    // their adapters must still act, as the merged 1x1 weight would.
    torch::manual_seed(7);
    md::nn::Transformer2DModel block = md::test::smallTransformerBlock();
    block->to(torch::kFloat64);
    auto x = torch::randn({1, 32, 4, 5}, kF64);
    auto context = torch::randn({1, 3, 16}, kF64);
    torch::NoGradGuard noGrad;
    auto base = block->forward(x, context);

    auto projIn =
        std::dynamic_pointer_cast<md::nn::Conv2dLayerImpl>(block->named_modules()["proj_in"]);
    ASSERT_TRUE(projIn);
    projIn->adapters.push_back(convAdapter(32, 32, 4, 1, false, 0));
    torch::Tensor runTime;
    {
        AdapterScales scales({1.0f});
        runTime = block->forward(x, context);
    }
    EXPECT_TRUE(torch::equal(block->forward(x, context), base));
    auto original = projIn->weight.clone();
    projIn->weight.add_(0.5 * md::nn::adapterWeightDelta(projIn->adapters[0], original.sizes()));
    auto merged = block->forward(x, context);
    projIn->weight.copy_(original);
    EXPECT_GT(maxDiff(runTime, base), 1e-3);
    EXPECT_LT(maxDiff(runTime, merged), 1e-10);
}

#include "engine/nn/StackedAdapters.h"

#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/NnTestSupport.h"
#include "engine/nn/Transformer2DModel.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <vector>

// One call whose samples use different LoRA sets (AdapterScales with one row per sample):
// each sample's output equals the uniform call with its own row on that sample alone, in
// float32, for the stacked adapters (plain LoRA / LoCon) and for those run one by one (CP
// mids, DoRA, a stack that no longer matches its list).

using md::nn::AdapterScales;
using md::nn::LowRankAdapter;
using Rows = std::vector<std::vector<float>>;

namespace {

const auto kF32 = torch::TensorOptions().dtype(torch::kFloat32);

LowRankAdapter adapter(const std::vector<int64_t>& down, const std::vector<int64_t>& up, int slot,
                       double alphaOverRank)
{
    LowRankAdapter a;
    a.slot = slot;
    a.down = torch::randn(down, kF32) * 0.3;
    a.up = torch::randn(up, kF32) * 0.3;
    a.alphaOverRank = alphaOverRank;
    return a;
}

// Samples of x with 3 slots in use: sample b uses the slots its row gives (several per sample,
// none for some, negative and fractional weights).
Rows sampleRows(int64_t batch)
{
    const Rows pattern = {{1.0f}, {0.0f, 0.8f}, {}, {0.5f, 0.0f, 1.2f}, {0.0f, 0.0f, -0.7f}};
    Rows rows;
    for (int64_t b = 0; b < batch; ++b)
        rows.push_back(pattern[static_cast<size_t>(b) % pattern.size()]);
    return rows;
}

// max|mixed[b] - forward(x[b]) with rows[b]| / max|reference|, the mixed call with `kernel`.
template <typename Forward>
double relativeDiffWith(md::nn::SampleLoraKernel kernel, const torch::Tensor& x, const Rows& rows,
                        Forward forward)
{
    torch::Tensor mixed;
    {
        AdapterScales scales(rows, x.options(), kernel);
        EXPECT_TRUE(AdapterScales::sampleWeights().defined());
        EXPECT_EQ(AdapterScales::stackedKernel(), kernel == md::nn::SampleLoraKernel::Stacked);
        mixed = torch::Tensor(forward(x));
    }
    double diff = 0.0;
    double scale = 0.0;
    for (int64_t b = 0; b < x.size(0); ++b) {
        AdapterScales own(rows[static_cast<size_t>(b)]);
        const torch::Tensor reference = forward(x.narrow(0, b, 1));
        diff = std::max(diff, (mixed.narrow(0, b, 1) - reference).abs().max().item<double>());
        scale = std::max(scale, reference.abs().max().item<double>());
    }
    return diff / scale;
}

// The worse of both kernels.
template <typename Forward>
double relativeDiff(const torch::Tensor& x, const Rows& rows, Forward forward)
{
    return std::max(relativeDiffWith(md::nn::SampleLoraKernel::Stacked, x, rows, forward),
                    relativeDiffWith(md::nn::SampleLoraKernel::Gathered, x, rows, forward));
}

} // namespace

TEST(StackedAdapters, LinearMixedCallEqualsPerSampleCalls)
{
    torch::manual_seed(11);
    md::nn::LinearLayer layer(24, 16);
    layer->adapters.push_back(adapter({4, 24}, {16, 4}, 0, 0.25));
    layer->adapters.push_back(adapter({8, 24}, {16, 8}, 1, 1.0));
    layer->adapters.push_back(adapter({2, 24}, {16, 2}, 2, 0.5));
    layer->restackAdapters();
    ASSERT_FALSE(layer->stacked.empty());
    EXPECT_EQ(layer->stacked.down.size(0), 14);
    EXPECT_TRUE(layer->stacked.matches(layer->adapters));
    // The adapters are views into the stack: no second copy of their weights.
    EXPECT_EQ(layer->adapters[0].down.data_ptr(), layer->stacked.down.data_ptr());

    auto x = torch::randn({5, 7, 24});
    const auto forward = [&](const torch::Tensor& in) { return layer->forward(in); };
    EXPECT_LE(relativeDiff(x, sampleRows(5), forward), 1e-5);
    torch::NoGradGuard noGrad; // the in-place path
    EXPECT_LE(relativeDiff(x, sampleRows(5), forward), 1e-5);
    // 2-D input ([B, in]: the time embedding's layers).
    EXPECT_LE(relativeDiff(torch::randn({5, 24}), sampleRows(5), forward), 1e-5);
}

TEST(StackedAdapters, MixedCallChangesEachSampleByItsOwnLoras)
{
    torch::manual_seed(12);
    md::nn::LinearLayer layer(8, 6);
    layer->adapters.push_back(adapter({2, 8}, {6, 2}, 0, 1.0));
    layer->adapters.push_back(adapter({2, 8}, {6, 2}, 1, 1.0));
    layer->restackAdapters();
    torch::NoGradGuard noGrad;
    auto x = torch::randn({3, 8});
    const auto base = layer->forward(x);
    for (auto kernel : {md::nn::SampleLoraKernel::Stacked, md::nn::SampleLoraKernel::Gathered}) {
        AdapterScales scales(Rows{{}, {1.0f}, {0.0f, 1.0f}}, x.options(), kernel);
        auto mixed = layer->forward(x);
        // No LoRA: the base layer (the stacked kernel adds a zero-scaled update).
        EXPECT_LE((mixed[0] - base[0]).abs().max().item<double>(), 1e-7);
        EXPECT_GT((mixed[1] - base[1]).abs().max().item<double>(), 1e-3);
        EXPECT_GT((mixed[2] - mixed[1]).abs().max().item<double>(), 1e-3);
    }
    // Auto: stacked on CUDA only.
    AdapterScales cpu(Rows{{}, {1.0f}}, x.options());
    EXPECT_FALSE(AdapterScales::stackedKernel());
}

TEST(StackedAdapters, ConvMixedCallEqualsPerSampleCalls)
{
    torch::manual_seed(13);
    for (auto [k, stride, padding] :
         std::vector<std::tuple<int64_t, int64_t, int64_t>>{{3, 1, 1}, {3, 2, 1}, {1, 1, 0}}) {
        md::nn::Conv2dLayer layer(6, 10, k, stride, padding);
        layer->adapters.push_back(adapter({3, 6, k, k}, {10, 3, 1, 1}, 0, 0.5));
        layer->adapters.push_back(adapter({5, 6, k, k}, {10, 5, 1, 1}, 2, 0.2));
        layer->adapters.push_back(adapter({2, 6, k, k}, {10, 2, 1, 1}, 1, 1.0));
        layer->restackAdapters();
        EXPECT_EQ(layer->stacked.down.size(0), 10);
        auto x = torch::randn({4, 6, 9, 7});
        torch::NoGradGuard noGrad;
        EXPECT_LE(relativeDiff(x, sampleRows(4),
                               [&](const torch::Tensor& in) { return layer->forward(in); }),
                  1e-5)
            << "k " << k << " stride " << stride;
    }
}

TEST(StackedAdapters, CpDoraAndStaleStacksRunOneByOne)
{
    torch::manual_seed(14);
    // Conv 3x3: slot 0 plain (stacked), slot 1 CP (mid), slot 2 DoRA.
    md::nn::Conv2dLayer conv(4, 6, 3, 1, 1);
    conv->adapters.push_back(adapter({2, 4, 3, 3}, {6, 2, 1, 1}, 0, 0.5));
    auto cp = adapter({3, 4, 1, 1}, {6, 3, 1, 1}, 1, 1.0);
    cp.mid = torch::randn({3, 3, 3, 3}) * 0.3;
    conv->adapters.push_back(cp);
    auto dora = adapter({2, 4, 3, 3}, {6, 2, 1, 1}, 2, 0.5);
    dora.doraMagnitude = torch::rand({6}) + 0.5;
    conv->adapters.push_back(dora);
    conv->restackAdapters();
    EXPECT_EQ(conv->stacked.stacked, (std::vector<bool>{true, false, false}));
    auto x = torch::randn({5, 4, 6, 6});
    const auto convForward = [&](const torch::Tensor& in) { return conv->forward(in); };
    {
        torch::NoGradGuard noGrad;
        EXPECT_LE(relativeDiff(x, sampleRows(5), convForward), 1e-5);
    }
    // Linear with DoRA at two different weights in one call.
    md::nn::LinearLayer linear(12, 8);
    linear->adapters.push_back(adapter({3, 12}, {8, 3}, 0, 1.0));
    auto doraLinear = adapter({2, 12}, {8, 2}, 1, 0.5);
    doraLinear.doraMagnitude = torch::rand({8}) + 0.5;
    linear->adapters.push_back(doraLinear);
    linear->restackAdapters();
    const Rows rows = {{1.0f, 0.5f}, {0.0f, 1.5f}, {}, {0.3f, 0.5f}};
    auto xl = torch::randn({4, 5, 12});
    const auto linearForward = [&](const torch::Tensor& in) { return linear->forward(in); };
    EXPECT_LE(relativeDiff(xl, rows, linearForward), 1e-5);
    // A slot attached without a restack: the stack no longer matches, all run one by one.
    linear->adapters.push_back(adapter({4, 12}, {8, 4}, 2, 0.25));
    EXPECT_FALSE(linear->stacked.matches(linear->adapters));
    torch::NoGradGuard noGrad;
    EXPECT_LE(relativeDiff(xl, sampleRows(4), linearForward), 1e-5);
}

TEST(StackedAdapters, TransformerProjectionsAndUniformRows)
{
    torch::manual_seed(15);
    md::nn::Transformer2DModel block = md::test::smallTransformerBlock();
    for (const auto& item : block->named_modules("", false)) {
        if (auto* conv = dynamic_cast<md::nn::Conv2dLayerImpl*>(item.value().get())) {
            for (int slot = 0; slot < 3; ++slot)
                conv->adapters.push_back(adapter({4, 32, 1, 1}, {32, 4, 1, 1}, slot, 0.5));
            conv->restackAdapters();
        } else if (auto* linear = dynamic_cast<md::nn::LinearLayerImpl*>(item.value().get())) {
            const auto in = linear->weight.size(1);
            const auto out = linear->weight.size(0);
            for (int slot = 0; slot < 3; ++slot)
                linear->adapters.push_back(adapter({4, in}, {out, 4}, slot, 0.5));
            linear->restackAdapters();
        }
    }
    torch::NoGradGuard noGrad;
    auto x = torch::randn({5, 32, 4, 5});
    auto context = torch::randn({5, 3, 16});
    // The per-sample references run in sample order, each with its own context row.
    int64_t next = 0;
    const auto forward = [&](const torch::Tensor& in) {
        if (in.size(0) != 1)
            return block->forward(in, context);
        return block->forward(in, context.narrow(0, next++ % x.size(0), 1)); // both kernels
    };
    EXPECT_LE(relativeDiff(x, sampleRows(5), forward), 1e-5);

    // Equal rows are the uniform case: no per-sample tensor, the same result as the vector.
    AdapterScales same(Rows(3, std::vector<float>{0.5f, 1.0f}), x.options());
    EXPECT_FALSE(AdapterScales::sampleWeights().defined());
    EXPECT_EQ(AdapterScales::weight(1), 1.0f);
}

TEST(StackedAdapters, RowsMustMatchTheBatch)
{
    md::nn::LinearLayer layer(4, 3);
    layer->adapters.push_back(adapter({2, 4}, {3, 2}, 0, 1.0));
    layer->restackAdapters();
    AdapterScales scales(Rows{{1.0f}, {0.0f}}, kF32);
    EXPECT_THROW(layer->forward(torch::randn({3, 4})), std::invalid_argument);
}

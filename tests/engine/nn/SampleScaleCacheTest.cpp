#include "engine/nn/SampleScaleCache.h"

#include "engine/io/ModelConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/ExpandRegistry.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/ModelFactory.h"

#include <gtest/gtest.h>
#include <set>
#include <torch/torch.h>
#include <vector>

// The stacked kernel's per-sample scales made once per call and distinct expand
// (SampleScaleCache.h, ExpandRegistry.h): layers with equal adapters share one expand, and a
// call gives bit for bit the output it gives with the scale computed in every layer.

using md::nn::AdapterScales;
using md::nn::LowRankAdapter;
using md::nn::SampleLoraKernel;
using md::nn::SampleScaleCache;
using Rows = std::vector<std::vector<float>>;

namespace {

LowRankAdapter randomAdapter(const std::vector<int64_t>& down, const std::vector<int64_t>& up,
                             int slot, double alphaOverRank)
{
    LowRankAdapter a;
    a.slot = slot;
    a.down = torch::randn(down) * 0.3;
    a.up = torch::randn(up) * 0.3;
    a.alphaOverRank = alphaOverRank;
    return a;
}

// Three slots of rank 4 on a layer of `in` -> `out` (1x1 conv adapters when conv).
void attachThree(std::vector<LowRankAdapter>& adapters, int64_t in, int64_t out, bool conv,
                 double alphaOfSlot2 = 0.5)
{
    for (int slot = 0; slot < 3; ++slot) {
        const double alpha = slot == 2 ? alphaOfSlot2 : 0.5;
        if (conv)
            adapters.push_back(randomAdapter({4, in, 1, 1}, {out, 4, 1, 1}, slot, alpha));
        else
            adapters.push_back(randomAdapter({4, in}, {out, 4}, slot, alpha));
    }
}

// Restores the process-wide switch whatever a test asserts.
struct CacheSwitch
{
    explicit CacheSwitch(bool on) { SampleScaleCache::setEnabled(on); }
    ~CacheSwitch() { SampleScaleCache::setEnabled(true); }
};

} // namespace

TEST(SampleScaleCache, EqualAdaptersShareTheirExpand)
{
    torch::manual_seed(21);
    md::nn::LinearLayer a(8, 6), b(12, 5), other(8, 6);
    md::nn::Conv2dLayer conv(8, 6, 1);
    attachThree(a->adapters, 8, 6, false);
    attachThree(b->adapters, 12, 5, false);
    attachThree(other->adapters, 8, 6, false, /*alphaOfSlot2=*/0.25);
    attachThree(conv->adapters, 8, 6, true);
    for (auto* l : {&a, &b, &other})
        (*l)->restackAdapters();
    conv->restackAdapters();
    // Same slots, ranks and alphas: one tensor, whatever the layer's widths or kind.
    EXPECT_TRUE(a->stacked.expand.is_same(b->stacked.expand));
    EXPECT_TRUE(a->stacked.expand.is_same(conv->stacked.expand));
    EXPECT_FALSE(a->stacked.expand.is_same(other->stacked.expand));
    auto expected = torch::zeros({3, 12});
    expected.narrow(1, 0, 4)[0].fill_(0.5);
    expected.narrow(1, 4, 4)[1].fill_(0.5);
    expected.narrow(1, 8, 4)[2].fill_(0.25);
    EXPECT_TRUE(torch::equal(other->stacked.expand, expected));
    // A restack keeps sharing.
    a->restackAdapters();
    EXPECT_TRUE(a->stacked.expand.is_same(b->stacked.expand));
    // The registry keeps none alive: a fresh key after its last holder is gone is rebuilt.
    const std::vector<md::nn::ExpandRegistry::Block> blocks{{1, 2, 0.75}};
    const auto weak = md::nn::ExpandRegistry::get(blocks, torch::kFloat32).use_count();
    EXPECT_EQ(weak, 1);
}

TEST(SampleScaleCache, UNetOutputIsBitwiseTheSameWithoutTheCache)
{
    torch::manual_seed(22);
    md::UNetConfig config; // the fixture's narrow shapes
    config.blockOutChannels = {32, 64, 64, 64};
    config.crossAttentionDim = 32;
    auto created = md::nn::createUNet(config);
    ASSERT_TRUE(created) << created.error();
    auto unet = created.value();
    std::set<const void*> expands;
    for (const auto& item : unet->named_modules("", false)) {
        const std::string& name = item.key();
        const bool attention = name.find(".attn") != std::string::npos;
        if (auto* linear = dynamic_cast<md::nn::LinearLayerImpl*>(item.value().get());
            linear != nullptr && attention) {
            attachThree(linear->adapters, linear->weight.size(1), linear->weight.size(0), false,
                        name.find(".to_out") != std::string::npos ? 0.25 : 0.5);
            linear->restackAdapters();
            expands.insert(linear->stacked.expand.unsafeGetTensorImpl());
        } else if (auto* conv = dynamic_cast<md::nn::Conv2dLayerImpl*>(item.value().get());
                   conv != nullptr && name.find("resnets") != std::string::npos) {
            // LoCon on the resnets' 3x3 convs: the conv kernel (one more layout).
            const int64_t in = conv->weight.size(1), out = conv->weight.size(0);
            const int64_t k = conv->weight.size(2);
            for (int slot = 0; slot < 3; ++slot)
                conv->adapters.push_back(
                    randomAdapter({2, in, k, k}, {out, 2, 1, 1}, slot, 1.0 / (slot + 1)));
            conv->restackAdapters();
        }
    }
    // The attention layers: two distinct contents (to_out's alpha differs), two tensors.
    EXPECT_EQ(expands.size(), 2u);

    torch::NoGradGuard noGrad;
    auto sample = torch::randn({4, 4, 8, 8});
    auto t = torch::full({4}, 500);
    auto context = torch::randn({4, 5, 32});
    const Rows rows = {{1.0f}, {0.0f, 0.8f}, {0.5f, 0.0f, 1.2f}, {}};
    auto run = [&](bool cache, SampleLoraKernel kernel, size_t* made = nullptr) {
        CacheSwitch on(cache);
        AdapterScales scales(rows, sample.options(), kernel);
        auto out = unet->forward(sample, t, context);
        if (made != nullptr)
            *made = AdapterScales::cachedScales();
        return out;
    };
    size_t made = 0;
    const auto cached = run(true, SampleLoraKernel::Stacked, &made);
    const auto perLayer = run(false, SampleLoraKernel::Stacked);
    EXPECT_TRUE(torch::equal(cached, perLayer));
    // Attention: 2 expands (tokens layout); resnets: 1 (conv layout): 3 scales per call.
    EXPECT_EQ(made, 3u);
    // And the same result as each LoRA on its own samples' rows (float tolerance).
    const auto gathered = run(true, SampleLoraKernel::Gathered);
    const double diff = (cached - gathered).abs().max().item<double>();
    EXPECT_LE(diff, 1e-5 * std::max(1.0, gathered.abs().max().item<double>()));
    // A different call (rows) gets its own scales: the cache lives with its AdapterScales.
    {
        AdapterScales scales(Rows{{}, {0.0f, 0.0f, 1.0f}, {1.0f}, {}}, sample.options(),
                             SampleLoraKernel::Stacked);
        auto other = unet->forward(sample, t, context);
        EXPECT_GT((other - cached).abs().max().item<double>(), 1e-4);
    }
}

TEST(SampleScaleCache, LinearFastPathMatchesTheAutogradPath)
{
    torch::manual_seed(23);
    md::nn::LinearLayer layer(10, 7);
    attachThree(layer->adapters, 10, 7, false);
    layer->restackAdapters();
    const Rows rows = {{1.0f}, {0.0f, 0.8f}, {0.5f, 0.0f, 1.2f}};
    for (auto shape : std::vector<std::vector<int64_t>>{{3, 10}, {3, 4, 10}, {3, 2, 3, 10}}) {
        auto x = torch::randn(shape);
        AdapterScales scales(rows, x.options(), SampleLoraKernel::Stacked);
        const auto autograd = layer->forward(x.clone().requires_grad_(true)).detach();
        torch::NoGradGuard noGrad; // in place: reshape, mm, mul_, addmm_
        const auto fast = layer->forward(x);
        EXPECT_LE((fast - autograd).abs().max().item<double>(), 1e-6) << x.sizes();
    }
}

#include "engine/nn/Attention.h"

#include "engine/common/ReferenceTensors.h"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <torch/torch.h>

namespace {

// The textbook formula, all at once.
torch::Tensor plainAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             bool causal)
{
    auto scores = torch::matmul(q.to(torch::kDouble), k.to(torch::kDouble).transpose(-1, -2)) /
                  std::sqrt(static_cast<double>(q.size(-1)));
    if (causal) {
        auto mask = torch::ones({q.size(-2), k.size(-2)}, torch::kBool).triu(1);
        scores = scores.masked_fill(mask, -std::numeric_limits<double>::infinity());
    }
    return torch::matmul(torch::softmax(scores, -1), v.to(torch::kDouble)).to(q.scalar_type());
}

} // namespace

TEST(Attention, ChunkedEqualsPlainSoftmaxAttention)
{
    c10::InferenceMode guard;
    torch::manual_seed(7);
    auto q = torch::randn({3, 4, 300, 16});
    auto k = torch::randn({3, 4, 300, 16});
    auto v = torch::randn({3, 4, 300, 24});
    for (bool causal : {false, true}) {
        auto reference = plainAttention(q, k, v, causal);
        // Budgets: everything at once; batch slices; row chunks of one batch item.
        for (int64_t budget : {int64_t(1) << 30, int64_t(300 * 4 * 300 * 3), int64_t(20000)}) {
            md::nn::AttentionOptions options;
            options.causal = causal;
            options.scoreBudgetBytes = budget;
            auto out = md::nn::chunkedAttention(q, k, v, options);
            ASSERT_EQ(out.sizes(), reference.sizes());
            EXPECT_LE(md::test::maxAbsDiff(out, reference), 1e-5)
                << "causal " << causal << " budget " << budget;
        }
        md::nn::AttentionOptions options;
        options.causal = causal;
        EXPECT_LE(
            md::test::maxAbsDiff(md::nn::scaledDotProductAttention(q, k, v, options), reference),
            1e-5);
    }
}

TEST(Attention, CrossAttentionWithStridedInputsAndUpcast)
{
    c10::InferenceMode guard;
    torch::manual_seed(3);
    // [B, L, H, D] transposed to [B, H, L, D], as the modules pass them.
    auto q = torch::randn({2, 50, 4, 8}).transpose(1, 2);
    auto k = torch::randn({2, 77, 4, 8}).transpose(1, 2);
    auto v = torch::randn({2, 77, 4, 8}).transpose(1, 2);
    auto reference = plainAttention(q, k, v, false);
    md::nn::AttentionOptions options;
    options.scoreBudgetBytes = 4096;
    EXPECT_LE(md::test::maxAbsDiff(md::nn::chunkedAttention(q, k, v, options), reference), 1e-5);

    // bfloat16 inputs with the float32 softmax.
    options.upcast = true;
    auto out = md::nn::chunkedAttention(q.to(torch::kBFloat16), k.to(torch::kBFloat16),
                                        v.to(torch::kBFloat16), options);
    EXPECT_EQ(out.scalar_type(), torch::kBFloat16);
    EXPECT_LE(md::test::maxAbsDiff(out, reference), 0.05);
}

TEST(Attention, LargeSelfAttentionStaysWithinBudget)
{
    // 64x64 latent tokens (4096): 4096^2 x 4 scores would be 268 MB at once; 8 MB blocks.
    c10::InferenceMode guard;
    auto q = torch::randn({1, 4, 4096, 8});
    md::nn::AttentionOptions options;
    options.scoreBudgetBytes = int64_t(8) << 20;
    auto out = md::nn::chunkedAttention(q, q, q, options);
    EXPECT_EQ(out.sizes(), q.sizes());
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(Attention, IsDifferentiable)
{
    torch::manual_seed(1);
    auto q = torch::randn({1, 2, 40, 8}, torch::requires_grad());
    auto k = torch::randn({1, 2, 40, 8}, torch::requires_grad());
    auto v = torch::randn({1, 2, 40, 8}, torch::requires_grad());
    md::nn::AttentionOptions options;
    options.causal = true;
    options.scoreBudgetBytes = 2 * 40 * 4 * 10; // 10 rows a chunk (scores and probabilities)
    md::nn::chunkedAttention(q, k, v, options).pow(2).sum().backward();

    auto q2 = q.detach().clone().requires_grad_();
    auto k2 = k.detach().clone().requires_grad_();
    auto v2 = v.detach().clone().requires_grad_();
    plainAttention(q2, k2, v2, true).pow(2).sum().backward();
    EXPECT_LE(md::test::maxAbsDiff(q.grad(), q2.grad()), 1e-4);
    EXPECT_LE(md::test::maxAbsDiff(k.grad(), k2.grad()), 1e-4);
    EXPECT_LE(md::test::maxAbsDiff(v.grad(), v2.grad()), 1e-4);
}

// Regression test for the networks that the synthetic models exposed: the chunked attention
// (nn/Attention.cpp) must not depend on the previous contents of the memory it allocates.
// libtorch 1.13's CPU baddbmm with beta = 0 still multiplies the output buffer's old contents
// by beta for some small shapes (one query row, as in a UNet's lowest level at a small latent),
// so a freed buffer holding -inf / NaN (masked attention scores) turns into NaN outputs:
// images that change from run to run and NaN text embeddings after an earlier generate().

#include "engine/nn/Attention.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <limits>
#include <torch/torch.h>
#include <vector>

namespace md {
namespace {

TEST(AttentionScoreBuffer, DirtyFreedMemoryDoesNotReachTheOutput)
{
    auto gen = at::detail::createCPUGenerator(9);
    struct Shape
    {
        int64_t n, lq, lk, d;
    };
    const Shape shapes[] = {{4, 1, 1, 4}, {16, 1, 1, 8},  {4, 1, 77, 8},
                            {8, 1, 6, 4}, {2, 3, 77, 16}, {16, 6, 6, 8}};
    int bad = 0;
    for (const Shape& s : shapes) {
        for (int trial = 0; trial < 8; ++trial) {
            {
                // Freed right away: the allocations below may reuse these blocks.
                std::vector<torch::Tensor> junk;
                for (int64_t size = 1; size <= 4096; size += size / 4 + 1)
                    for (int copy = 0; copy < 4; ++copy)
                        junk.push_back(
                            torch::full({size}, std::numeric_limits<float>::quiet_NaN()));
            }
            auto q = torch::randn({s.n, s.lq, s.d}, gen, torch::kFloat32);
            auto k = torch::randn({s.n, s.lk, s.d}, gen, torch::kFloat32);
            auto v = torch::randn({s.n, s.lk, s.d}, gen, torch::kFloat32);
            auto out = nn::chunkedAttention(q, k, v);
            auto expected =
                torch::softmax(torch::bmm(q, k.transpose(1, 2)) / std::sqrt(s.d), -1).bmm(v);
            if (!torch::allclose(out, expected, 1e-5, 1e-5)) {
                ++bad;
                ADD_FAILURE() << "shape n=" << s.n << " lq=" << s.lq << " lk=" << s.lk
                              << " d=" << s.d << " trial " << trial
                              << ": finite=" << torch::isfinite(out).all().item<bool>();
                break;
            }
        }
    }
    EXPECT_EQ(bad, 0);
}

} // namespace
} // namespace md

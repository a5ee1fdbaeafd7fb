// The seed contract: seed S gives diffusers' torch.Generator("cpu").manual_seed(S) numbers.

#include "engine/sampling/Rng.h"

#include "engine/common/ReferenceTensors.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

TEST(Rng, InitialNoiseMatchesDiffusers)
{
    // tiny-sd15-cases.json: txt2img 256x256, seed 42 -> randn([1, 4, 32, 32]).
    Rng rng(42);
    const auto noise = rng.randn({1, 4, 32, 32});
    const auto ref = test::referenceTensor("t2i.init_noise");
    ASSERT_EQ(noise.sizes(), ref.sizes());
    const double diff = test::maxAbsDiff(noise, ref);
    std::printf("  t2i.init_noise max |diff| %.3g\n", diff);
    EXPECT_EQ(diff, 0.0);
}

TEST(Rng, SameSeedSameNumbersDifferentSeedDifferent)
{
    Rng a(7), b(7), c(8);
    const auto x = a.randn({2, 3});
    EXPECT_TRUE(torch::equal(x, b.randn({2, 3})));
    EXPECT_FALSE(torch::equal(x, c.randn({2, 3})));
    // Draws continue the stream: the second draw differs from the first.
    EXPECT_FALSE(torch::equal(a.randn({2, 3}), x));
    const auto u = a.rand({100});
    EXPECT_GE(u.min().item<float>(), 0.0f);
    EXPECT_LT(u.max().item<float>(), 1.0f);
    const auto k = a.randint(0, 3, {50});
    EXPECT_EQ(k.scalar_type(), torch::kInt64);
    EXPECT_GE(k.min().item<int64_t>(), 0);
    EXPECT_LT(k.max().item<int64_t>(), 3);
}

// Shared GroupNorm statistics (nn/GroupNormStatistics.h): recording changes nothing, replaying
// on the same input gives group_norm's output, and replaying on a tile normalises it with the
// whole input's statistics -- what makes the tiles of a tiled VAE encode agree in tone.

#include "engine/nn/GroupNormStatistics.h"

#include "engine/nn/GroupNormLayer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;
using Stats = nn::GroupNormStatistics;

TEST(GroupNormStatistics, RecordThenReplayNormalisesTilesWithTheWholeStatistics)
{
    torch::NoGradGuard noGrad;
    auto g = at::detail::createCPUGenerator(11);
    nn::GroupNormLayer norm(4, 16, 1e-5);
    norm->weight.copy_(torch::rand({16}, g) + 0.5);
    norm->bias.copy_(torch::randn({16}, g));
    const auto x = torch::randn({1, 16, 12, 20}, g) * 3 + 1;
    const auto plain = norm->forward(x);
    Stats stats;
    {
        Stats::Scope record(stats, Stats::Mode::Record);
        EXPECT_TRUE(torch::equal(norm->forward(x), plain));
    }
    EXPECT_EQ(stats.size(), 1u);
    EXPECT_EQ(Stats::active(), nullptr);
    {
        Stats::Scope replay(stats, Stats::Mode::Replay);
        EXPECT_LE((norm->forward(x) - plain).abs().max().item<double>(), 1e-5);
    }
    // A tile: its own statistics differ from the whole's; replayed, it is the whole's output
    // cropped.
    const auto tile = x.narrow(2, 2, 6).narrow(3, 5, 8);
    const auto whole = plain.narrow(2, 2, 6).narrow(3, 5, 8);
    EXPECT_GT((norm->forward(tile) - whole).abs().max().item<double>(), 1e-2);
    {
        Stats::Scope replay(stats, Stats::Mode::Replay);
        EXPECT_LE((norm->forward(tile) - whole).abs().max().item<double>(), 1e-5);
        // One layer was recorded: a second call has nothing to replay.
        EXPECT_THROW(norm->forward(tile), std::logic_error);
    }
}

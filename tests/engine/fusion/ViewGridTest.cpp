#include "engine/fusion/ViewGrid.h"

#include <gtest/gtest.h>
#include <vector>

using md::ViewGrid;

namespace {

// How many views cover each latent pixel.
std::vector<int> coverage(const ViewGrid& grid)
{
    const int h = grid.latentHeight();
    const int w = grid.latentWidth();
    std::vector<int> count(static_cast<size_t>(h * w), 0);
    for (const auto& v : grid.views())
        for (int y = v.y; y < v.y + v.height; ++y)
            for (int x = v.x; x < v.x + v.width; ++x)
                ++count[static_cast<size_t>(y * w + (x % w))];
    return count;
}

} // namespace

TEST(ViewGrid, MatchesReferenceWhenStrideDivides)
{
    // 512x1024 canvas, 64-latent windows, stride 8: the official 9 views, row-major.
    ViewGrid grid(64, 128, 64, 8, false);
    ASSERT_EQ(grid.size(), 9);
    for (int i = 0; i < 9; ++i) {
        EXPECT_EQ(grid.views()[i].y, 0);
        EXPECT_EQ(grid.views()[i].x, 8 * i);
        EXPECT_EQ(grid.views()[i].width, 64);
    }
    // 768x512 (tall): 5 views down one column.
    ViewGrid tall(96, 64, 64, 8, false);
    ASSERT_EQ(tall.size(), 5);
    EXPECT_EQ(tall.views()[4].y, 32);
}

TEST(ViewGrid, PanoramaOf512x1000HasNoUncoveredStrip)
{
    // 1000 px = 125 latent columns: (125 - 64) is not a multiple of 8, so the reference
    // code leaves the last 5 columns dead. The flush last window covers them.
    ViewGrid grid(64, 125, 64, 8, false);
    EXPECT_EQ(grid.views().back().x + grid.views().back().width, 125);
    for (int c : coverage(grid))
        EXPECT_GT(c, 0);
}

TEST(ViewGrid, EveryPixelCoveredForManySizes)
{
    for (int h = 8; h <= 200; h += 24) {
        for (int w = 8; w <= 300; w += 37) {
            ViewGrid grid(h, w, 64, 8, false);
            for (int c : coverage(grid))
                ASSERT_GT(c, 0) << h << "x" << w;
            for (const auto& v : grid.views()) {
                ASSERT_LE(v.y + v.height, h);
                ASSERT_LE(v.x + v.width, w);
            }
        }
    }
}

TEST(ViewGrid, SmallCanvasIsOneView)
{
    ViewGrid grid(32, 48, 64, 8, false);
    ASSERT_EQ(grid.size(), 1);
    EXPECT_EQ(grid.views()[0].height, 32);
    EXPECT_EQ(grid.views()[0].width, 48);
}

TEST(ViewGrid, CircularWrapsAndCoversEvenly)
{
    ViewGrid grid(64, 128, 64, 8, true);
    ASSERT_EQ(grid.size(), 16);
    EXPECT_TRUE(grid.views().back().wraps);
    // Every column is covered by exactly window / stride = 8 views: no seam at the edge.
    for (int c : coverage(grid))
        EXPECT_EQ(c, 8);
}

TEST(ViewGrid, CircularCanvasOneWindowWideWrapsToo)
{
    // 512x512 circular with 64-latent windows: one view would never show the UNet the right
    // edge next to the left one. Views start every stride and wrap, covering evenly.
    ViewGrid grid(64, 64, 64, 8, true);
    ASSERT_EQ(grid.size(), 8);
    EXPECT_FALSE(grid.views().front().wraps);
    EXPECT_TRUE(grid.views().back().wraps);
    EXPECT_EQ(grid.views().back().width, 64);
    for (int c : coverage(grid))
        EXPECT_EQ(c, 8);
}

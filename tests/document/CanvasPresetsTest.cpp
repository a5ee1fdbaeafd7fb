// The canvas sizes offered for a model follow its native size: SDXL's aspect-ratio buckets,
// the SD 1.x list unchanged at 512 and scaled for other native sizes.

#include "document/CanvasPresets.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <utility>

namespace md {
namespace {

std::vector<std::pair<int, int>> sizes(const std::vector<CanvasPreset>& presets)
{
    std::vector<std::pair<int, int>> out;
    for (const CanvasPreset& p : presets)
        out.emplace_back(p.width, p.height);
    return out;
}

TEST(CanvasPresets, SdxlBucketsAndTransposes)
{
    const std::vector<std::pair<int, int>> expected{{1024, 1024}, {1152, 896}, {896, 1152},
                                                    {1216, 832},  {832, 1216}, {1344, 768},
                                                    {768, 1344},  {1536, 640}, {640, 1536}};
    EXPECT_EQ(sizes(sdxlBuckets()), expected);
    for (const CanvasPreset& p : sdxlBuckets()) {
        EXPECT_EQ(p.width % 64, 0);
        EXPECT_EQ(p.height % 64, 0);
        // About one megapixel each (SDXL's training buckets).
        EXPECT_NEAR(p.width * p.height, 1024 * 1024, 1024 * 1024 / 10)
            << p.width << "x" << p.height;
    }
    EXPECT_EQ(sdxlBuckets().front().shape, CanvasShape::Square);
    EXPECT_EQ(sdxlBuckets()[1].shape, CanvasShape::Landscape);
    EXPECT_EQ(sdxlBuckets()[2].shape, CanvasShape::Portrait);
}

TEST(CanvasPresets, SdxlOffersTheBucketsThenPanoramas)
{
    const auto presets = canvasPresets("SDXL", 1024, 1024);
    const auto buckets = sizes(sdxlBuckets());
    const auto all = sizes(presets);
    ASSERT_GE(all.size(), buckets.size());
    EXPECT_TRUE(std::equal(buckets.begin(), buckets.end(), all.begin()));
    for (std::size_t i = buckets.size(); i < presets.size(); ++i) {
        EXPECT_EQ(presets[i].shape, CanvasShape::Panorama);
        EXPECT_EQ(presets[i].height, 1024);
    }
    const std::set<std::pair<int, int>> unique(all.begin(), all.end());
    EXPECT_EQ(unique.size(), all.size());
}

TEST(CanvasPresets, Sd1KeepsItsList)
{
    const std::vector<std::pair<int, int>> expected{{512, 512},  {768, 512},  {512, 768},
                                                    {1024, 512}, {2048, 512}, {4096, 512},
                                                    {512, 2048}, {1024, 1024}};
    EXPECT_EQ(sizes(canvasPresets("SD 1.x", 512, 512)), expected);
    EXPECT_EQ(sizes(canvasPresets("", 0, 0)), expected); // no model yet
    EXPECT_EQ(canvasPresets("SD 1.x", 512, 512).front().shape, CanvasShape::Square);
}

TEST(CanvasPresets, OtherNativeSizesScale)
{
    // An SD 2.x 768-v model: the same shapes at 768.
    const auto presets = canvasPresets("SD 2.x", 768, 768);
    EXPECT_EQ(presets.front().width, 768);
    EXPECT_EQ(presets.front().height, 768);
    EXPECT_EQ(presets[1].width, 1152);
    EXPECT_EQ(presets[1].height, 768);
    for (const CanvasPreset& p : presets) {
        EXPECT_EQ(p.width % 8, 0);
        EXPECT_EQ(p.height % 8, 0);
    }
}

} // namespace
} // namespace md

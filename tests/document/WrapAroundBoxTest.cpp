// Boxes on a wrap-around panorama (settings.circular) may cross the seam: they start on the
// canvas and continue from its left edge. The engine gets such a box as the mask it covers.

#include "DocumentTestUtil.h"
#include "document/Project.h"

#include <gtest/gtest.h>

using namespace md;

namespace {

Project panorama(bool circular)
{
    Project p = test::sampleProject();
    p.settings.circular = circular;
    ProjectRegion& box = p.regions[1];
    EXPECT_EQ(box.kind, RegionKind::Box);
    box.visible = true;
    box.box = {80, 8, 40, 16}; // 24 pixels past the right edge of the 96-wide canvas
    return p;
}

} // namespace

TEST(WrapAroundBox, CrossesTheSeamOnlyOnAWrapAroundCanvas)
{
    ASSERT_EQ(test::sampleProject().width, 96);
    EXPECT_TRUE(validate(panorama(true)).isOk()) << validate(panorama(true)).message();
    EXPECT_NE(validate(panorama(false)).message().find("outside"), std::string::npos);

    Project wide = panorama(true);
    wide.regions[1].box = {8, 8, 104, 16}; // wider than the canvas
    EXPECT_NE(validate(wide).message().find("outside"), std::string::npos);
    Project left = panorama(true);
    left.regions[1].box = {-8, 8, 40, 16}; // it starts on the canvas, never before it
    EXPECT_NE(validate(left).message().find("outside"), std::string::npos);
}

TEST(WrapAroundBox, TheEngineGetsTheMaskOfBothParts)
{
    const Project p = panorama(true);
    const GenerateRequest r = toGenerateRequest(p);
    ASSERT_EQ(r.regions.size(), 3u);
    const Region& box = r.regions[1];
    EXPECT_FALSE(box.box.has_value());
    ASSERT_EQ(box.mask.width, 96);
    ASSERT_EQ(box.mask.height, p.height);
    const auto at = [&](int x, int y) { return box.mask.values[std::size_t(y) * 96 + x]; };
    EXPECT_EQ(at(80, 8), 1.f);
    EXPECT_EQ(at(95, 23), 1.f);
    EXPECT_EQ(at(0, 8), 1.f);
    EXPECT_EQ(at(23, 23), 1.f);
    EXPECT_EQ(at(24, 8), 0.f);
    EXPECT_EQ(at(79, 8), 0.f);
    EXPECT_EQ(at(85, 7), 0.f);
    EXPECT_EQ(at(85, 24), 0.f);

    Project inside = p;
    inside.regions[1].box = {40, 8, 40, 16};
    EXPECT_TRUE(toGenerateRequest(inside).regions[1].box.has_value()); // plain boxes stay boxes
}

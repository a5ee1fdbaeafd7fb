// Each result keeps the layout (masks and boxes) that made it: in memory (shared while
// unchanged), in .mdsp files (one PNG per distinct mask), in PNG exports; older projects
// without layouts still open.

#include "document/DocumentTestUtil.h"
#include "document/LayoutMasks.h"
#include "document/ProjectFile.h"
#include "document/ProjectJson.h"
#include "document/ZipReader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

RgbImage solidImage(const Project& p, std::uint8_t value)
{
    RgbImage img;
    img.width = p.width;
    img.height = p.height;
    img.pixels.assign(std::size_t(p.width) * p.height * 3, value);
    return img;
}

// The sample project, then region 3's mask and the box changed and a third result made.
Project projectWithChangedLayout()
{
    Project p = test::sampleProject();
    for (float& v : p.regions[0].mask.values)
        v = 1.f - v;
    p.regions[1].box = {0, 0, 24, 24};
    p.regions[1].visible = true;
    p.results.push_back(makeResult(p, solidImage(p, 9), 77));
    return p;
}

std::vector<std::string> entryNames(const std::vector<std::uint8_t>& archive)
{
    auto zip = ZipReader::open(archive, "p");
    EXPECT_TRUE(zip.isOk());
    std::vector<std::string> names;
    for (const auto& e : zip->entries())
        names.push_back(e.name);
    return names;
}

TEST(ResultLayout, MakeResultKeepsTheLayoutAndSharesUnchangedMasks)
{
    const Project p = projectWithChangedLayout();
    ASSERT_TRUE(p.results[0].layout && p.results[1].layout && p.results[2].layout);
    const RegionLayout& first = *p.results[0].layout;
    const RegionLayout& second = *p.results[1].layout;
    const RegionLayout& third = *p.results[2].layout;
    ASSERT_EQ(first.size(), 3u);
    // Unchanged masks: one copy in memory for both results.
    EXPECT_EQ(first[0].mask, second[0].mask);
    EXPECT_EQ(first[2].mask, second[2].mask);
    EXPECT_EQ(second[2].mask, third[2].mask);
    // The changed mask and box are the new ones.
    EXPECT_NE(second[0].mask, third[0].mask);
    EXPECT_EQ(third[0].mask->values, p.regions[0].mask.values);
    EXPECT_EQ(first[1].region.box.width, 40);
    EXPECT_EQ(third[1].region.box.width, 24);
    EXPECT_TRUE(validate(p).isOk()) << validate(p).message();
}

TEST(ResultLayout, ArchiveStoresEachDistinctMaskOnce)
{
    const Project p = projectWithChangedLayout();
    auto bytes = encodeProjectArchive(p);
    ASSERT_TRUE(bytes.isOk()) << bytes.error();
    const std::vector<std::string> names = entryNames(*bytes);
    // Region 3's current mask, region 9's mask, and region 3's old mask (by content).
    int masks = 0;
    for (const std::string& n : names)
        masks += n.rfind("masks/", 0) == 0;
    EXPECT_EQ(masks, 3) << ::testing::PrintToString(names);
    auto old = encodeMaskPng(*p.results[0].layout->at(0).mask);
    ASSERT_TRUE(old.isOk());
    EXPECT_NE(std::find(names.begin(), names.end(), contentMaskEntryName(*old)), names.end());
}

TEST(ResultLayout, RoundTripRestoresEveryLayout)
{
    test::ScratchDir dir;
    const Project p = projectWithChangedLayout();
    ASSERT_TRUE(saveProject(p, dir.path("p.mdsp")).isOk());
    auto back = loadProject(dir.path("p.mdsp"));
    ASSERT_TRUE(back.isOk()) << back.error();
    ASSERT_EQ(back->results.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        ASSERT_TRUE(back->results[k].layout);
        const RegionLayout& a = *p.results[k].layout;
        const RegionLayout& b = *back->results[k].layout;
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].region.id, b[i].region.id);
            EXPECT_EQ(a[i].region.prompt, b[i].region.prompt);
            EXPECT_EQ(a[i].region.visible, b[i].region.visible);
            EXPECT_EQ(a[i].region.box.width, b[i].region.box.width);
            ASSERT_EQ(bool(a[i].mask), bool(b[i].mask));
            if (a[i].mask) {
                ASSERT_EQ(a[i].mask->values.size(), b[i].mask->values.size());
                for (std::size_t v = 0; v < a[i].mask->values.size(); ++v)
                    ASSERT_NEAR(a[i].mask->values[v], b[i].mask->values[v], 1.f / 255.f);
            }
        }
    }
    // One decoded copy per entry: unchanged masks are shared again after loading.
    EXPECT_EQ(back->results[0].layout->at(2).mask, back->results[2].layout->at(2).mask);
    // Saving the loaded project gives the same bytes.
    EXPECT_EQ(*encodeProjectArchive(*back), *encodeProjectArchive(p));
}

TEST(ResultLayout, ExportOfAnOlderResultEmbedsItsOwnLayout)
{
    test::ScratchDir dir;
    const Project p = projectWithChangedLayout();
    const ProjectResult& old = p.results[0];
    ASSERT_TRUE(exportPng(p, old, dir.path("old.png")).isOk());
    auto back = loadProject(dir.path("old.png"));
    ASSERT_TRUE(back.isOk()) << back.error();
    ASSERT_EQ(back->regions.size(), 3u);
    // Today's mask is the inverse; the export holds the one that made the image.
    const MaskImage& made = *old.layout->at(0).mask;
    for (std::size_t i = 0; i < made.values.size(); ++i)
        ASSERT_NEAR(back->regions[0].mask.values[i], made.values[i], 1.f / 255.f);
    EXPECT_EQ(back->regions[1].box.width, 40);
    EXPECT_FALSE(back->regions[1].visible);
    ASSERT_EQ(back->results.size(), 1u);
    ASSERT_TRUE(back->results[0].layout);
    EXPECT_EQ(back->results[0].layout->size(), 3u);
}

TEST(ResultLayout, ResultsWithoutALayoutStillLoadAndExportAsBefore)
{
    test::ScratchDir dir;
    Project p = test::sampleProject();
    for (ProjectResult& r : p.results)
        r.layout.reset();
    ASSERT_TRUE(saveProject(p, dir.path("old.mdsp")).isOk());
    auto back = loadProject(dir.path("old.mdsp"));
    ASSERT_TRUE(back.isOk()) << back.error();
    EXPECT_FALSE(back->results[0].layout);
    const Project exported = projectForResult(*back, back->results[0]);
    EXPECT_FALSE(exported.regions[1].visible); // today's rule: unused regions hidden
}

TEST(ResultLayout, BrokenLayoutsAreReportedPrecisely)
{
    Project p = test::sampleProject();
    ProjectJsonOptions options;
    options.storage = ImageStorage::Embedded;
    options.selfResult = p.results[0].id;
    auto json = projectToJson(p, options);
    ASSERT_TRUE(json.isOk());
    auto doc = nlohmann::json::parse(*json);
    ASSERT_EQ(doc["results"][0]["layout"], "@regions");
    doc["results"][0]["layout"] = {{{"id", 3}, {"kind", "mask"}, {"mask", "masks/missing.png"}}};
    ProjectImageSource images;
    images.self = &p.results[0].image;
    auto back = projectFromJson(doc.dump(), images, "x.mdsp");
    ASSERT_FALSE(back.isOk());
    EXPECT_NE(back.error().find("masks/missing.png"), std::string::npos) << back.error();

    doc["results"][0]["layout"] = 5;
    back = projectFromJson(doc.dump(), images, "x.mdsp");
    ASSERT_FALSE(back.isOk());
    EXPECT_NE(back.error().find("results[0].layout"), std::string::npos) << back.error();
}

} // namespace
} // namespace md

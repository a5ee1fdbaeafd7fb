#include "document/DocumentTestUtil.h"
#include "document/ProjectFile.h"
#include "document/ProjectJson.h"

#include <gtest/gtest.h>

namespace md {
namespace {

void expectSameModel(const ModelReference& a, const ModelReference& b)
{
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.contentHash, b.contentHash);
    EXPECT_EQ(a.shortHash, b.shortHash);
    EXPECT_EQ(a.displayName, b.displayName);
}

void expectSameSettings(const GenerationSettings& a, const GenerationSettings& b)
{
    EXPECT_EQ(a.sampler, b.sampler);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.cfg, b.cfg);
    EXPECT_EQ(a.seed, b.seed);
    EXPECT_EQ(a.seedMode, b.seedMode);
    EXPECT_EQ(a.bootstrapSteps, b.bootstrapSteps);
    EXPECT_EQ(a.window, b.window);
    EXPECT_EQ(a.stride, b.stride);
    EXPECT_EQ(a.circular, b.circular);
    EXPECT_EQ(a.feather, b.feather);
}

void expectSameRegion(const ProjectRegion& a, const ProjectRegion& b)
{
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_TRUE(a.colour == b.colour);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.negative, b.negative);
    EXPECT_EQ(a.strength, b.strength);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.visible, b.visible);
    if (a.kind == RegionKind::Box) {
        EXPECT_EQ(a.box.x, b.box.x);
        EXPECT_EQ(a.box.y, b.box.y);
        EXPECT_EQ(a.box.width, b.box.width);
        EXPECT_EQ(a.box.height, b.box.height);
    } else {
        ASSERT_EQ(a.mask.width, b.mask.width);
        ASSERT_EQ(a.mask.height, b.mask.height);
        ASSERT_EQ(a.mask.values.size(), b.mask.values.size());
        float worst = 0.f;
        for (std::size_t i = 0; i < a.mask.values.size(); ++i)
            worst = std::max(worst, std::abs(a.mask.values[i] - b.mask.values[i]));
        EXPECT_LE(worst, 1.f / 255.f) << "region " << a.id;
    }
}

void expectSameResult(const ProjectResult& a, const ProjectResult& b)
{
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.image.width, b.image.width);
    EXPECT_EQ(a.image.height, b.image.height);
    EXPECT_EQ(a.image.pixels, b.image.pixels); // PNG is lossless
    expectSameSettings(a.settings, b.settings);
    EXPECT_EQ(a.seed, b.seed);
    EXPECT_EQ(a.timestamp, b.timestamp);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.negative, b.negative);
    ASSERT_EQ(a.regions.size(), b.regions.size());
    for (std::size_t i = 0; i < a.regions.size(); ++i) {
        EXPECT_EQ(a.regions[i].regionId, b.regions[i].regionId);
        EXPECT_EQ(a.regions[i].name, b.regions[i].name);
        EXPECT_EQ(a.regions[i].prompt, b.regions[i].prompt);
        EXPECT_EQ(a.regions[i].negative, b.regions[i].negative);
        EXPECT_EQ(a.regions[i].strength, b.regions[i].strength);
    }
    expectSameModel(a.model, b.model);
}

void expectSameProject(const Project& a, const Project& b)
{
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    expectSameModel(a.model, b.model);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.negative, b.negative);
    expectSameSettings(a.settings, b.settings);
    ASSERT_EQ(a.regions.size(), b.regions.size());
    for (std::size_t i = 0; i < a.regions.size(); ++i)
        expectSameRegion(a.regions[i], b.regions[i]);
    ASSERT_EQ(a.results.size(), b.results.size());
    for (std::size_t i = 0; i < a.results.size(); ++i)
        expectSameResult(a.results[i], b.results[i]);
}

TEST(ProjectRoundTrip, EveryFieldSurvivesMdsp)
{
    test::ScratchDir dir;
    const Project p = test::sampleProject();
    ASSERT_TRUE(validate(p).isOk()) << validate(p).message();
    const Status saved = saveProject(p, dir.path("p.mdsp"));
    ASSERT_TRUE(saved.isOk()) << saved.message();
    auto back = loadProject(dir.path("p.mdsp"));
    ASSERT_TRUE(back.isOk()) << back.error();
    expectSameProject(p, *back);
    // The soft gradient keeps its in-between values (not thresholded).
    EXPECT_NEAR(back->regions[0].mask.values[48], 48.f / 95.f, 1.f / 255.f);
}

TEST(ProjectRoundTrip, ArchiveHoldsTheDocumentedEntries)
{
    auto bytes = encodeProjectArchive(test::sampleProject());
    ASSERT_TRUE(bytes.isOk()) << bytes.error();
    auto zip = ZipReader::open(*bytes, "p");
    ASSERT_TRUE(zip.isOk()) << zip.error();
    std::vector<std::string> names;
    for (const auto& e : zip->entries())
        names.push_back(e.name);
    const std::vector<std::string> expected = {"project.json",  "masks/3.png",   "masks/9.png",
                                               "results/1.png", "results/2.png", "thumbnail.png"};
    EXPECT_EQ(names, expected);
    auto thumb = decodeRgbPng(*zip->read("thumbnail.png"), "thumb");
    ASSERT_TRUE(thumb.isOk());
    EXPECT_LE(std::max(thumb->width, thumb->height), 256);
}

TEST(ProjectRoundTrip, SavingTwiceGivesIdenticalBytes)
{
    const Project p = test::sampleProject();
    EXPECT_EQ(*encodeProjectArchive(p), *encodeProjectArchive(p));
}

TEST(ProjectRoundTrip, InvalidProjectsAreNotSaved)
{
    test::ScratchDir dir;
    Project p = test::sampleProject();
    p.width = 100; // not a multiple of 8
    const Status s = saveProject(p, dir.path("bad.mdsp"));
    ASSERT_FALSE(s.isOk());
    EXPECT_NE(s.message().find("multiple of 8"), std::string::npos) << s.message();
}

TEST(ProjectRoundTrip, ToGenerateRequestUsesVisibleRegionsOnly)
{
    const Project p = test::sampleProject();
    const GenerateRequest r = toGenerateRequest(p);
    EXPECT_EQ(r.width, 96);
    EXPECT_EQ(r.height, 64);
    EXPECT_EQ(r.prompt, p.prompt);
    EXPECT_EQ(r.negative, p.negative);
    EXPECT_EQ(r.seed, p.settings.seed);
    EXPECT_EQ(r.steps, 27);
    EXPECT_EQ(r.sampler, SamplerKind::EulerAncestral);
    EXPECT_EQ(r.bootstrapSteps, 3);
    EXPECT_EQ(r.window, 48);
    EXPECT_EQ(r.stride, 16);
    EXPECT_TRUE(r.circular);
    EXPECT_EQ(r.featherPx, 2.5f);
    ASSERT_EQ(r.regions.size(), 2u); // the box region is hidden
    EXPECT_EQ(r.regions[0].prompt, p.regions[0].prompt);
    EXPECT_FALSE(r.regions[0].box.has_value());
    EXPECT_EQ(r.regions[0].mask.values, p.regions[0].mask.values);
    EXPECT_EQ(r.regions[1].strength, 1.5f);

    Project withBox = p;
    withBox.regions[1].visible = true;
    const GenerateRequest r2 = toGenerateRequest(withBox, 77);
    ASSERT_EQ(r2.regions.size(), 3u);
    ASSERT_TRUE(r2.regions[1].box.has_value());
    EXPECT_EQ(r2.regions[1].box->x, 8);
    EXPECT_EQ(r2.regions[1].box->width, 40);
    EXPECT_TRUE(r2.regions[1].mask.empty());
    EXPECT_EQ(r2.seed, 77u);
}

TEST(ProjectRoundTrip, ProjectFromRequestInvertsToGenerateRequest)
{
    Project p = test::sampleProject();
    p.regions[1].visible = true;
    const GenerateRequest r = toGenerateRequest(p);
    const Project q = projectFromRequest(r, p.model);
    EXPECT_EQ(q.width, p.width);
    EXPECT_EQ(q.settings.seedMode, SeedMode::Fixed);
    ASSERT_EQ(q.regions.size(), 3u);
    EXPECT_EQ(q.regions[1].id, 2u);
    EXPECT_EQ(q.regions[1].name, "Region 2");
    EXPECT_EQ(q.regions[1].kind, RegionKind::Box);
    EXPECT_TRUE(validate(q).isOk()) << validate(q).message();
    const GenerateRequest back = toGenerateRequest(q);
    EXPECT_EQ(back.prompt, r.prompt);
    EXPECT_EQ(back.seed, r.seed);
    EXPECT_EQ(back.sampler, r.sampler);
    EXPECT_EQ(back.cfg, r.cfg);
    EXPECT_EQ(back.bootstrapSteps, r.bootstrapSteps);
    EXPECT_EQ(back.featherPx, r.featherPx);
    ASSERT_EQ(back.regions.size(), r.regions.size());
    EXPECT_EQ(back.regions[0].mask.values, r.regions[0].mask.values);
    EXPECT_EQ(back.regions[1].box->y, r.regions[1].box->y);
}

TEST(ProjectRoundTrip, ValidateReportsTheFirstProblem)
{
    Project p = test::sampleProject();
    EXPECT_TRUE(validate(p).isOk());

    Project small = p;
    small.width = 32;
    EXPECT_NE(validate(small).message().find("between 64 and 16384"), std::string::npos);

    Project mask = p;
    mask.regions[2].mask = blankMask(96, 56);
    const std::string m = validate(mask).message();
    EXPECT_NE(m.find("region 3 (id 9"), std::string::npos) << m;
    EXPECT_NE(m.find("96x56"), std::string::npos) << m;

    Project box = p;
    box.settings.circular = false; // a wrap-around canvas lets boxes cross the seam (below)
    box.regions[1].box = {80, 0, 40, 10};
    EXPECT_NE(validate(box).message().find("outside"), std::string::npos);

    Project dup = p;
    dup.regions[1].id = 3;
    EXPECT_NE(validate(dup).message().find("reuses an id"), std::string::npos);

    Project many = p;
    many.regions.clear();
    for (std::uint32_t i = 1; i <= 65; ++i) {
        ProjectRegion r;
        r.id = i;
        r.kind = RegionKind::Box;
        r.box = {0, 0, 8, 8};
        many.regions.push_back(r);
    }
    EXPECT_NE(validate(many).message().find("limit is 64"), std::string::npos);

    Project soft = p;
    soft.regions[0].mask.values[5] = 1.5f;
    EXPECT_NE(validate(soft).message().find("outside [0, 1]"), std::string::npos);
}

TEST(ProjectRoundTrip, MakeResultRecordsVisibleRegionsAndSeed)
{
    Project p = test::sampleProject();
    RgbImage img;
    img.width = 96;
    img.height = 64;
    img.pixels.assign(96 * 64 * 3, 7);
    const ProjectResult r = makeResult(p, img, 4242);
    EXPECT_EQ(r.id, 3u);
    EXPECT_EQ(r.seed, 4242u);
    EXPECT_EQ(r.settings.seed, 4242u);
    ASSERT_EQ(r.regions.size(), 2u);
    EXPECT_EQ(r.regions[0].regionId, 3u);
    EXPECT_EQ(r.regions[1].regionId, 9u);
    EXPECT_GT(r.timestamp, 1600000000);
    EXPECT_EQ(nextRegionId(p), 10u);
    ASSERT_NE(findRegion(p, 7), nullptr);
    EXPECT_EQ(findRegion(p, 7)->name, "boat");
    EXPECT_EQ(findRegion(p, 8), nullptr);
}

} // namespace
} // namespace md

#include "document/BatchManifest.h"

#include "document/DocumentTestUtil.h"
#include "document/SeedList.h"

#include <gtest/gtest.h>

namespace md {
namespace {

std::vector<std::uint64_t> seeds(const std::string& text)
{
    auto r = parseSeedList(text);
    EXPECT_TRUE(r.isOk()) << text << ": " << r.error();
    return r.isOk() ? *r : std::vector<std::uint64_t>{};
}

TEST(SeedList, RangesListsAndMixtures)
{
    EXPECT_EQ(seeds("1-4"), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(seeds("3,7,9"), (std::vector<std::uint64_t>{3, 7, 9}));
    EXPECT_EQ(seeds("9, 1-3, 2"), (std::vector<std::uint64_t>{9, 1, 2, 3}));
    EXPECT_EQ(seeds("18446744073709551615"), (std::vector<std::uint64_t>{18446744073709551615ull}));
    EXPECT_EQ(seeds("18446744073709551614-18446744073709551615").size(), 2u);
    EXPECT_EQ(seeds("5-5"), (std::vector<std::uint64_t>{5}));
}

TEST(SeedList, BadInputIsExplained)
{
    for (const char* bad : {"", "1,,2", "a", "-3", "3-", "5-2", "1.5", "18446744073709551616"})
        EXPECT_FALSE(parseSeedList(bad).isOk()) << bad;
    auto big = parseSeedList("0-99999999999");
    ASSERT_FALSE(big.isOk());
    EXPECT_NE(big.error().find("more than"), std::string::npos);
    EXPECT_NE(parseSeedList("5-2").error().find("backwards"), std::string::npos);
}

TEST(BatchManifest, RoundTripAndRecord)
{
    test::ScratchDir dir;
    const Project p = test::sampleProject();
    BatchManifest m;
    m.project = "harbour.mdsp";
    m.projectName = "harbour";
    m.configHash = batchConfigHash(p);
    m.width = p.width;
    m.height = p.height;
    m.model = p.model;
    m.settings = p.settings;
    m.record({3, "harbour-3.png", std::string(64, 'c'), 1.5, 1700000000});
    m.record({18446744073709551615ull, "harbour-max.png", "", 2.0, 1});
    m.record({3, "harbour-3.png", std::string(64, 'd'), 1.25, 1700000001}); // replaces
    ASSERT_EQ(m.images.size(), 2u);
    ASSERT_TRUE(writeBatchManifest(dir.path("manifest.json"), m).isOk());
    auto back = readBatchManifest(dir.path("manifest.json"));
    ASSERT_TRUE(back.isOk()) << back.error();
    EXPECT_EQ(back->project, "harbour.mdsp");
    EXPECT_EQ(back->configHash, m.configHash);
    EXPECT_EQ(back->width, 96);
    EXPECT_EQ(back->settings.steps, 27);
    EXPECT_EQ(back->settings.sampler, SamplerKind::EulerAncestral);
    EXPECT_EQ(back->model.shortHash, "1a2b3c4d");
    ASSERT_EQ(back->images.size(), 2u);
    ASSERT_NE(back->find(3), nullptr);
    EXPECT_EQ(back->find(3)->sha256, std::string(64, 'd'));
    EXPECT_EQ(back->find(3)->seconds, 1.25);
    EXPECT_NE(back->find(18446744073709551615ull), nullptr);
    EXPECT_EQ(back->find(4), nullptr);
}

TEST(BatchManifest, ConfigHashTracksWhatChangesPixels)
{
    const Project p = test::sampleProject();
    const std::string h = batchConfigHash(p);
    EXPECT_EQ(h.size(), 64u);
    Project seedOnly = p;
    seedOnly.settings.seed = 99;
    seedOnly.results.clear();
    seedOnly.regions[0].name = "renamed"; // names and colours do not change pixels
    EXPECT_EQ(batchConfigHash(seedOnly), h);
    Project steps = p;
    steps.settings.steps = 28;
    EXPECT_NE(batchConfigHash(steps), h);
    Project mask = p;
    mask.regions[2].mask.values[100] = 0.5f;
    EXPECT_NE(batchConfigHash(mask), h);
    Project prompt = p;
    prompt.regions[0].prompt += "!";
    EXPECT_NE(batchConfigHash(prompt), h);
}

TEST(BatchManifest, ForeignFilesAreRefused)
{
    EXPECT_FALSE(batchManifestFromJson("{\"format\": \"x\", \"version\": 1}", "m").isOk());
    auto newer = batchManifestFromJson(
        "{\"format\": \"mdstudio-batch-manifest\", \"version\": 9, \"images\": []}", "m");
    ASSERT_FALSE(newer.isOk());
    EXPECT_NE(newer.error().find("newer"), std::string::npos);
    auto badSeed = batchManifestFromJson("{\"format\": \"mdstudio-batch-manifest\", "
                                         "\"version\": 1, \"images\": [{\"seed\": \"x\", "
                                         "\"file\": \"a.png\"}]}",
                                         "m");
    ASSERT_FALSE(badSeed.isOk());
    EXPECT_NE(badSeed.error().find("images[0].seed"), std::string::npos) << badSeed.error();
}

} // namespace
} // namespace md

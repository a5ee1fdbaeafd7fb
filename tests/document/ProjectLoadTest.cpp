#include "document/AtomicFile.h"
#include "document/DocumentTestUtil.h"
#include "document/ProjectFile.h"
#include "document/ProjectJson.h"
#include "document/ZipWriter.h"

#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

namespace md {
namespace {

// The sample project's archive entries, for tests to tamper with.
std::map<std::string, std::vector<std::uint8_t>> sampleEntries()
{
    auto bytes = encodeProjectArchive(test::sampleProject());
    EXPECT_TRUE(bytes.isOk());
    auto zip = ZipReader::open(*bytes, "sample");
    std::map<std::string, std::vector<std::uint8_t>> out;
    for (const auto& e : zip->entries())
        out[e.name] = *zip->read(e.name);
    return out;
}

std::vector<std::uint8_t> rezip(const std::map<std::string, std::vector<std::uint8_t>>& entries)
{
    ZipWriter w;
    for (const auto& [name, data] : entries)
        EXPECT_TRUE(w.add(name, data).isOk());
    return *w.finish();
}

nlohmann::json sampleJson(std::map<std::string, std::vector<std::uint8_t>>& entries)
{
    const auto& raw = entries["project.json"];
    return nlohmann::json::parse(std::string(raw.begin(), raw.end()));
}

void setJson(std::map<std::string, std::vector<std::uint8_t>>& entries, const nlohmann::json& j)
{
    const std::string text = j.dump();
    entries["project.json"] = std::vector<std::uint8_t>(text.begin(), text.end());
}

// Loads the archive and expects the error to contain every fragment.
void expectLoadError(const std::vector<std::uint8_t>& archive,
                     const std::vector<std::string>& fragments)
{
    auto p = decodeProjectArchive(archive, "hostile.mdsp");
    ASSERT_FALSE(p.isOk());
    for (const auto& f : fragments)
        EXPECT_NE(p.error().find(f), std::string::npos)
            << "missing \"" << f << "\" in: " << p.error();
    EXPECT_EQ(p.error().rfind("hostile.mdsp: ", 0), 0u) << p.error();
}

using Tamper = std::function<void(nlohmann::json&)>;
void expectJsonError(const Tamper& tamper, const std::vector<std::string>& fragments)
{
    auto entries = sampleEntries();
    auto j = sampleJson(entries);
    tamper(j);
    setJson(entries, j);
    expectLoadError(rezip(entries), fragments);
}

TEST(ProjectLoad, MigratesTheVersion1Fixture)
{
    auto p = loadProject(test::dataPath("v1-project.mdsp"));
    ASSERT_TRUE(p.isOk()) << p.error();
    EXPECT_EQ(p->width, 128);
    EXPECT_EQ(p->height, 96);
    EXPECT_EQ(p->model.path, "models/dreamy-v2.safetensors");
    EXPECT_EQ(p->model.displayName, "dreamy-v2");
    EXPECT_TRUE(p->model.contentHash.empty());
    EXPECT_EQ(p->prompt, "a quiet harbour at dawn");
    EXPECT_EQ(p->negative, "blurry");
    EXPECT_EQ(p->settings.sampler, SamplerKind::EulerAncestral);
    EXPECT_EQ(p->settings.steps, 30);
    EXPECT_EQ(p->settings.cfg, 6.5f);
    EXPECT_EQ(p->settings.seed, 1234u);
    EXPECT_EQ(p->settings.seedMode, SeedMode::Fixed);
    EXPECT_EQ(p->settings.stride, 8);
    ASSERT_EQ(p->regions.size(), 3u);
    const ProjectRegion& sky = p->regions[0];
    EXPECT_EQ(sky.id, 1u);
    EXPECT_EQ(sky.name, "sky");
    EXPECT_EQ(sky.negative, "birds");
    EXPECT_EQ(sky.strength, 0.8f);
    EXPECT_EQ(sky.kind, RegionKind::Mask);
    EXPECT_TRUE(sky.visible);
    EXPECT_TRUE(sky.colour == defaultRegionColour(0));
    // The fixture's mask 0 is a gradient: value x * 2 / 255.
    EXPECT_NEAR(sky.mask.values[10 * 128 + 100], 200.f / 255.f, 1e-6f);
    const ProjectRegion& boat = p->regions[1];
    EXPECT_EQ(boat.id, 2u);
    EXPECT_EQ(boat.kind, RegionKind::Box);
    EXPECT_EQ(boat.box.x, 16);
    EXPECT_EQ(boat.box.y, 40);
    EXPECT_EQ(boat.box.width, 48);
    EXPECT_EQ(boat.box.height, 32);
    EXPECT_EQ(boat.strength, 1.f);
    const ProjectRegion& light = p->regions[2];
    EXPECT_EQ(light.id, 3u);
    EXPECT_EQ(light.name, "Region 3");
    EXPECT_EQ(light.mask.values[5 * 128 + 10], 1.f);
    EXPECT_EQ(light.mask.values[5 * 128 + 100], 0.f);
    EXPECT_TRUE(p->results.empty());

    // Saving writes the current version, which loads again.
    test::ScratchDir dir;
    ASSERT_TRUE(saveProject(*p, dir.path("up.mdsp")).isOk());
    auto again = loadProject(dir.path("up.mdsp"));
    ASSERT_TRUE(again.isOk()) << again.error();
    EXPECT_EQ(again->regions[2].name, "Region 3");
    auto zip = ZipReader::open(test::readAll(dir.path("up.mdsp")), "up");
    const auto json = *zip->read("project.json");
    EXPECT_EQ(nlohmann::json::parse(std::string(json.begin(), json.end()))["version"], 3);
}

TEST(ProjectLoad, NewerVersionsAreRefusedClearly)
{
    expectJsonError([](nlohmann::json& j) { j["version"] = 4; },
                    {"this project was saved by a newer MultiDiffusion Studio (format 4); "
                     "this version reads up to 3"});
}

TEST(ProjectLoad, NotAProject)
{
    expectJsonError([](nlohmann::json& j) { j["format"] = "something-else"; },
                    {"not a MultiDiffusion Studio project"});
    auto entries = sampleEntries();
    entries.erase("project.json");
    expectLoadError(rezip(entries), {"no project.json"});
    auto broken = sampleEntries();
    broken["project.json"] = {'{', '"', 'a', '"', ':'};
    expectLoadError(rezip(broken), {"malformed", "byte"});
}

TEST(ProjectLoad, BadJsonTypesNameTheField)
{
    expectJsonError([](nlohmann::json& j) { j["regions"][1]["strength"] = "strong"; },
                    {"regions[1].strength", "expected a number, found a string"});
    expectJsonError([](nlohmann::json& j) { j["canvas"]["width"] = 512.5; },
                    {"canvas.width", "expected an integer"});
    expectJsonError([](nlohmann::json& j) { j["settings"]["seed"] = -4; },
                    {"settings.seed", "must not be negative"});
    expectJsonError([](nlohmann::json& j) { j["regions"] = nlohmann::json::object(); },
                    {"regions: expected an array"});
    expectJsonError([](nlohmann::json& j) { j["regions"][0]["kind"] = "lasso"; },
                    {"regions[0].kind", "\"lasso\""});
    expectJsonError([](nlohmann::json& j) { j["settings"]["sampler"] = "plms"; },
                    {"settings.sampler", "unknown sampler \"plms\""});
    expectJsonError([](nlohmann::json& j) { j["regions"][0]["colour"] = "red"; },
                    {"regions[0].colour", "#rrggbb"});
    expectJsonError([](nlohmann::json& j) { j["regions"][1].erase("id"); },
                    {"regions[1].id", "missing"});
    expectJsonError([](nlohmann::json& j) { j["results"][0]["settings"]["steps"] = 0; },
                    {"results[0].settings.steps", "outside [1, 1000]"});
}

TEST(ProjectLoad, TooManyRegions)
{
    expectJsonError(
        [](nlohmann::json& j) {
            auto box = j["regions"][1];
            j["regions"] = nlohmann::json::array();
            for (int i = 1; i <= 65; ++i) {
                box["id"] = i;
                j["regions"].push_back(box);
            }
        },
        {"regions: the project has more than 64 regions; the limit is 64"});
}

TEST(ProjectLoad, MissingMaskAndResultFiles)
{
    auto entries = sampleEntries();
    entries.erase("masks/9.png");
    expectLoadError(rezip(entries), {"\"masks/9.png\" is missing"});
    auto noResult = sampleEntries();
    noResult.erase("results/2.png");
    expectLoadError(rezip(noResult), {"\"results/2.png\" is missing"});
}

TEST(ProjectLoad, WrongImageSizes)
{
    auto entries = sampleEntries();
    MaskImage small = blankMask(48, 64);
    entries["masks/3.png"] = *encodeMaskPng(small);
    expectLoadError(rezip(entries),
                    {"masks/3.png", "region 3 \"sky\"", "48x64", "canvas is 96x64"});
    auto result = sampleEntries();
    RgbImage big;
    big.width = 104;
    big.height = 64;
    big.pixels.assign(104 * 64 * 3, 1);
    result["results/1.png"] = *encodePng(big);
    expectLoadError(rezip(result), {"results/1.png", "104x64"});
    auto garbage = sampleEntries();
    garbage["masks/9.png"] = {1, 2, 3};
    expectLoadError(rezip(garbage), {"masks/9.png", "not a PNG"});
}

TEST(ProjectLoad, HostileArchiveNamesAndSizes)
{
    auto entries = sampleEntries();
    std::vector<test::RawZipEntry> raw;
    for (const auto& [name, data] : entries)
        raw.push_back({name, data});
    raw.push_back({"../evil.sh", {'#', '!'}});
    expectLoadError(test::rawZip(raw), {"\"../evil.sh\"", "unsafe name"});
    raw.back().name = "/tmp/evil";
    expectLoadError(test::rawZip(raw), {"absolute path"});
    raw.back().name = "masks\\evil.png";
    expectLoadError(test::rawZip(raw), {"backslash"});
    raw.back().name = "results/9.png";
    raw.back().declaredSize = 700ll << 20;
    raw.back().compressedSize = 2;
    raw.back().method = 8;
    expectLoadError(test::rawZip(raw), {"results/9.png", "declares", "limit is 512 MiB"});
}

TEST(ProjectLoad, CrcMismatchAndTruncation)
{
    auto entries = sampleEntries();
    std::vector<test::RawZipEntry> raw;
    for (const auto& [name, data] : entries)
        raw.push_back({name, data});
    for (auto& e : raw) {
        if (e.name == "masks/3.png")
            e.declaredCrc = 0xdeadbeef;
    }
    expectLoadError(test::rawZip(raw), {"masks/3.png", "CRC"});

    auto good = *encodeProjectArchive(test::sampleProject());
    for (std::size_t keep : {good.size() - 5, good.size() / 2, std::size_t(100)}) {
        auto cut = good;
        cut.resize(keep);
        expectLoadError(cut, {"truncated"});
    }
}

TEST(ProjectLoad, AtomicSaveSurvivesAFailureMidWrite)
{
    test::ScratchDir dir;
    const std::string path = dir.path("p.mdsp");
    Project original = test::sampleProject();
    // Noise images: the archive spans several write chunks, so a write can fail midway.
    std::mt19937 rng(1);
    for (auto& r : original.results) {
        for (auto& px : r.image.pixels)
            px = std::uint8_t(rng() >> 24);
    }
    ASSERT_TRUE(saveProject(original, path).isOk());
    ASSERT_GT(test::readAll(path).size(), 32u << 10);
    const auto before = test::readAll(path);

    Project changed = original;
    changed.prompt = "a completely different picture";
    for (auto stage :
         {AtomicWriteStage::Write, AtomicWriteStage::Fsync, AtomicWriteStage::Rename}) {
        bool injected = false;
        setAtomicWriteFaultHook(
            [stage, &injected](AtomicWriteStage s, std::uint64_t written) -> Status {
                // A write fails after some bytes already reached the temporary file.
                if (s == stage && (s != AtomicWriteStage::Write || written > 0)) {
                    injected = true;
                    return Status::error("No space left on device (injected)");
                }
                return Status::ok();
            });
        const Status s = saveProject(changed, path);
        setAtomicWriteFaultHook({});
        ASSERT_TRUE(injected);
        ASSERT_FALSE(s.isOk());
        EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
        EXPECT_NE(s.message().find("previous file is unchanged"), std::string::npos);
        EXPECT_EQ(test::readAll(path), before);
        auto loaded = loadProject(path);
        ASSERT_TRUE(loaded.isOk()) << loaded.error();
        EXPECT_EQ(loaded->prompt, original.prompt);
        // No temporary files are left behind.
        std::size_t files = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir.dir())) {
            (void)e;
            ++files;
        }
        EXPECT_EQ(files, 1u);
    }
    ASSERT_TRUE(saveProject(changed, path).isOk());
    EXPECT_EQ(loadProject(path)->prompt, changed.prompt);
}

TEST(ProjectLoad, MissingFileAndFolder)
{
    test::ScratchDir dir;
    auto missing = loadProject(dir.path("nope.mdsp"));
    ASSERT_FALSE(missing.isOk());
    EXPECT_NE(missing.error().find("nope.mdsp"), std::string::npos);
    auto folder = loadProject(dir.dir());
    ASSERT_FALSE(folder.isOk());
    EXPECT_NE(folder.error().find("folder"), std::string::npos) << folder.error();
}

} // namespace
} // namespace md

// LoRA files as the document sees them: A1111's file hash (LoraHash.h), where a name finds
// its file and what a result records (LoraFiles.h), the records in project JSON (with the
// version 2 migration), the "Lora hashes" infotext field, and a batch's checks.

#include "document/A1111Parameters.h"
#include "document/BatchRun.h"
#include "document/DocumentTestUtil.h"
#include "document/LoraFiles.h"
#include "document/LoraHash.h"
#include "document/ProjectFile.h"
#include "document/ProjectJson.h"
#include "document/ResultLoras.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

// SHA-256("abc") (FIPS 180-2, appendix B.1).
constexpr const char* kAbcSha256 =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// A safetensors file: its 8-byte header length, the JSON header (one U8 tensor over `data`,
// with `metadata` when not empty), then `data`.
void writeSafetensors(const std::string& path, const std::string& data,
                      const nlohmann::json& metadata = nullptr)
{
    nlohmann::json header;
    header["lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"] = {
        {"dtype", "U8"}, {"shape", {data.size()}}, {"data_offsets", {0, data.size()}}};
    if (!metadata.is_null())
        header["__metadata__"] = metadata;
    const std::string text = header.dump();
    std::vector<std::uint8_t> bytes(8);
    for (int i = 0; i < 8; ++i)
        bytes[std::size_t(i)] = std::uint8_t((text.size() >> (8 * i)) & 0xff);
    bytes.insert(bytes.end(), text.begin(), text.end());
    bytes.insert(bytes.end(), data.begin(), data.end());
    test::writeAll(path, bytes);
}

TEST(LoraHash, IsTheSha256OfTheBytesAfterTheHeader)
{
    test::ScratchDir dir;
    writeSafetensors(dir.path("a.safetensors"), "abc");
    auto hash = loraFileHash(dir.path("a.safetensors"));
    ASSERT_TRUE(hash.isOk()) << hash.error();
    EXPECT_EQ(hash.value(), kAbcSha256);
    EXPECT_EQ(loraShortHash(hash.value()), "ba7816bf8f01");

    // Other metadata, the same tensors: the same hash (A1111's "addnet" hash).
    writeSafetensors(dir.path("b.safetensors"), "abc", {{"ss_output_name", "renamed"}});
    EXPECT_EQ(loraFileHash(dir.path("b.safetensors")).value(), kAbcSha256);
    writeSafetensors(dir.path("c.safetensors"), "abd");
    EXPECT_NE(loraFileHash(dir.path("c.safetensors")).value(), kAbcSha256);
}

TEST(LoraHash, TakesKohyasRecordedHashFromTheMetadata)
{
    test::ScratchDir dir;
    const std::string recorded = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";
    writeSafetensors(dir.path("k.safetensors"), "abc", {{"sshs_model_hash", recorded}});
    EXPECT_EQ(loraFileHash(dir.path("k.safetensors")).value(),
              "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    // Not a hex digest: ignored, the data is hashed.
    writeSafetensors(dir.path("n.safetensors"), "abc", {{"sshs_model_hash", "n/a"}});
    EXPECT_EQ(loraFileHash(dir.path("n.safetensors")).value(), kAbcSha256);
}

TEST(LoraHash, RefusesFilesThatAreNotSafetensors)
{
    test::ScratchDir dir;
    test::writeAll(dir.path("short.safetensors"), {1, 2, 3});
    auto s = loraFileHash(dir.path("short.safetensors"));
    ASSERT_FALSE(s.isOk());
    EXPECT_NE(s.error().find("not a safetensors file"), std::string::npos) << s.error();
    test::writeAll(dir.path("long.safetensors"), {0xff, 0xff, 0, 0, 0, 0, 0, 0, '{', '}'});
    EXPECT_FALSE(loraFileHash(dir.path("long.safetensors")).isOk());
    EXPECT_FALSE(loraFileHash(dir.path("absent.safetensors")).isOk());
}

TEST(LoraFiles, TheFirstFolderThatHasTheFileWins)
{
    test::ScratchDir dir;
    std::filesystem::create_directories(dir.path("one"));
    std::filesystem::create_directories(dir.path("two"));
    writeSafetensors(dir.path("two/style.safetensors"), "abc");
    writeSafetensors(dir.path("one/hero.safetensors"), "hero");
    writeSafetensors(dir.path("two/hero.safetensors"), "other hero");
    const std::vector<std::string> dirs{dir.path("one"), dir.path("two")};
    EXPECT_EQ(findLoraFile("style", dirs).value(), dir.path("two/style.safetensors"));
    EXPECT_EQ(findLoraFile("hero", dirs).value(), dir.path("one/hero.safetensors"));

    auto missing = findLoraFile("ghost", dirs);
    ASSERT_FALSE(missing.isOk());
    EXPECT_NE(missing.error().find("\"ghost\""), std::string::npos) << missing.error();
    EXPECT_NE(missing.error().find(dir.path("one") + ", " + dir.path("two")), std::string::npos)
        << missing.error();
    EXPECT_NE(findLoraFile("ghost", {}).error().find("no LoRA folder is set"), std::string::npos);
    EXPECT_FALSE(findLoraFile("../two/style", dirs).isOk());
    EXPECT_FALSE(findLoraFile(".hidden", dirs).isOk());
}

TEST(LoraFiles, AFolderListsItsSafetensorsFilesByName)
{
    test::ScratchDir dir;
    writeSafetensors(dir.path("zeta.safetensors"), "z");
    writeSafetensors(dir.path("alpha.safetensors"), "a");
    writeSafetensors(dir.path(".hidden.safetensors"), "h");
    test::writeAll(dir.path("notes.txt"), {1});
    std::filesystem::create_directories(dir.path("sub.safetensors"));
    auto files = loraFilesIn(dir.dir());
    ASSERT_TRUE(files.isOk()) << files.error();
    EXPECT_EQ(files.value(), (std::vector<std::string>{dir.path("alpha.safetensors"),
                                                       dir.path("zeta.safetensors")}));
    EXPECT_FALSE(loraFilesIn(dir.path("absent")).isOk());
}

TEST(LoraFiles, ARequestRecordsEachLoraOnceWithItsFirstWeightsAndHash)
{
    test::ScratchDir dir;
    writeSafetensors(dir.path("style.safetensors"), "abc");
    writeSafetensors(dir.path("hero.safetensors"), "hero");
    GenerateRequest r;
    r.prompt = "a harbour <lora:style:0.6>";
    r.regions.push_back({});
    r.regions[0].prompt = "a knight <lora:hero:0.9:0.4> <lora:style:1>";
    EXPECT_EQ(lorasOfPrompts(r),
              (std::vector<ResultLora>{{"style", 0.6f, 0.6f, ""}, {"hero", 0.9f, 0.4f, ""}}));

    auto none = recordLoras(r);
    ASSERT_FALSE(none.isOk()); // no folder
    r.loraDirs = {dir.dir()};
    auto loras = recordLoras(r);
    ASSERT_TRUE(loras.isOk()) << loras.error();
    ASSERT_EQ(loras->size(), 2u);
    EXPECT_EQ((*loras)[0].hash, kAbcSha256);
    EXPECT_EQ((*loras)[1].hash, loraFileHash(dir.path("hero.safetensors")).value());

    GenerateRequest plain;
    plain.prompt = "no tags here";
    EXPECT_TRUE(recordLoras(plain).value().empty());
}

TEST(ResultLoras, RoundTripThroughMdspAndExportsAndAreInTheInfotext)
{
    test::ScratchDir dir;
    Project p = test::sampleProject();
    p.results[1].loras = {{"style", 0.6f, 0.6f, kAbcSha256}, {"hero:v2, final", 0.9f, 0.4f, ""}};
    ASSERT_TRUE(saveProject(p, dir.path("p.mdsp")).isOk());
    auto loaded = loadProject(dir.path("p.mdsp"));
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    EXPECT_TRUE(loaded->results[0].loras.empty());
    EXPECT_EQ(loaded->results[1].loras, p.results[1].loras);

    ASSERT_TRUE(exportPng(p, p.results[1], dir.path("out.png")).isOk());
    auto exported = loadProject(dir.path("out.png"));
    ASSERT_TRUE(exported.isOk()) << exported.error();
    EXPECT_EQ(exported->results.at(0).loras, p.results[1].loras);
    auto chunks = readPngText(dir.path("out.png"));
    ASSERT_TRUE(chunks.isOk());
    const std::string& text = findPngText(*chunks, "parameters")->text;
    // Only LoRAs with a known hash; A1111's form: quoted, after Model.
    EXPECT_NE(text.find("Model: dream shaper, Lora hashes: \"style: ba7816bf8f01\", "),
              std::string::npos)
        << text;
    const A1111Info info = parseA1111Parameters(text);
    ASSERT_NE(info.field("Lora hashes"), nullptr);
    EXPECT_EQ(*info.field("Lora hashes"), "style: ba7816bf8f01");

    // Without LoRAs there is no field.
    EXPECT_EQ(a1111Parameters(p.results[0], p.width, p.height).find("Lora hashes"),
              std::string::npos);
}

TEST(ResultLoras, TheFieldFollowsA1111sNaming)
{
    const std::vector<ResultLora> loras{{"a:b,c", 1, 1, kAbcSha256}, {"d", 1, 1, "00ff"}};
    EXPECT_EQ(loraHashesField(loras), "abc: ba7816bf8f01, d: 00ff");
    GenerateRequest r;
    r.prompt = "x <lora:d:1>";
    const A1111Info info = parseA1111Parameters(a1111Parameters(r, {}, loras));
    ASSERT_NE(info.field("Lora hashes"), nullptr);
    EXPECT_EQ(*info.field("Lora hashes"), "abc: ba7816bf8f01, d: 00ff");
    EXPECT_EQ(info.prompt, "x <lora:d:1>"); // the prompt keeps its tags
}

TEST(ResultLoras, BadRecordsAreRefused)
{
    Project p = test::sampleProject();
    p.results[0].loras = {{"a", 1, 1, "XYZ"}};
    EXPECT_NE(validate(p).message().find("expected up to 64 lower-case hex digits"),
              std::string::npos)
        << validate(p).message();
    p.results[0].loras = {{"a", 1, 1, ""}, {"a", 1, 1, ""}};
    EXPECT_NE(validate(p).message().find("twice"), std::string::npos);
    p.results[0].loras = {{"", 1, 1, ""}};
    EXPECT_FALSE(validate(p).isOk());

    // In JSON: a record without a name, a weight that is not a number.
    p.results[0].loras = {{"a", 1, 1, ""}};
    auto text = projectToJson(p, {ImageStorage::Embedded, p.results[0].id});
    ASSERT_TRUE(text.isOk()) << text.error();
    nlohmann::json j = nlohmann::json::parse(text.value());
    ProjectImageSource images;
    images.self = &p.results[0].image;
    EXPECT_TRUE(projectFromJson(j.dump(), images, "x").isOk());
    j["results"][0]["loras"][0].erase("name");
    EXPECT_FALSE(projectFromJson(j.dump(), images, "x").isOk());
    j["results"][0]["loras"][0]["name"] = "a";
    j["results"][0]["loras"][0]["unetWeight"] = "heavy";
    auto bad = projectFromJson(j.dump(), images, "x");
    ASSERT_FALSE(bad.isOk());
    EXPECT_NE(bad.error().find("results[0].loras[0].unetWeight"), std::string::npos) << bad.error();
}

TEST(ResultLoras, AVersion2FileRecordsNone)
{
    Project p = test::sampleProject();
    p.results[0].loras = {{"a", 1, 1, "00ff"}};
    auto text = projectToJson(p, {ImageStorage::Embedded, p.results[0].id});
    ASSERT_TRUE(text.isOk());
    nlohmann::json j = nlohmann::json::parse(text.value());
    ProjectImageSource images;
    images.self = &p.results[0].image;
    auto v3 = projectFromJson(j.dump(), images, "x");
    ASSERT_TRUE(v3.isOk()) << v3.error();
    EXPECT_EQ(v3->results[0].loras.size(), 1u);
    j["version"] = 2; // no version 2 writer made "loras": dropped, not trusted
    auto v2 = projectFromJson(j.dump(), images, "x");
    ASSERT_TRUE(v2.isOk()) << v2.error();
    EXPECT_TRUE(v2->results[0].loras.empty());
}

class BatchLoraTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::filesystem::create_directories(m_dir.path("loras"));
        writeSafetensors(m_dir.path("loras/style.safetensors"), "abc");
        test::writeAll(m_dir.path("model.safetensors"), {1, 2, 3, 4});
        Project p = test::sampleProject();
        p.model.path = m_dir.path("model.safetensors");
        p.prompt = "a harbour <lora:style:0.6>";
        p.results[1].loras = {{"style", 0.6f, 0.6f, kAbcSha256}};
        ASSERT_TRUE(saveProject(p, m_dir.path("harbour.mdsp")).isOk());
    }

    test::ScratchDir m_dir;
};

TEST_F(BatchLoraTest, AMissingLoraStopsTheBatchNamingItTheFoldersAndTheHash)
{
    auto run = BatchRun::open(m_dir.path("harbour.mdsp"));
    ASSERT_TRUE(run.isOk()) << run.error();
    const Status s = run->useLoras({m_dir.path("elsewhere"), m_dir.path("other")});
    ASSERT_FALSE(s.isOk());
    EXPECT_NE(s.message().find("\"style\""), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(m_dir.path("elsewhere") + ", " + m_dir.path("other")),
              std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("ba7816bf8f01"), std::string::npos) << s.message();
}

TEST_F(BatchLoraTest, ImagesRecordTheirLorasAndAChangedFileIsAWarning)
{
    std::vector<std::string> warnings;
    BatchEvents events;
    events.warning = [&](const std::string& m) { warnings.push_back(m); };
    auto run = BatchRun::open(m_dir.path("harbour.mdsp"), events);
    ASSERT_TRUE(run.isOk()) << run.error();
    ASSERT_TRUE(run->useLoras({m_dir.path("loras")}).isOk());
    EXPECT_TRUE(warnings.empty());
    ASSERT_EQ(run->loras().size(), 1u);
    EXPECT_EQ(run->loras()[0].hash, kAbcSha256);

    ASSERT_TRUE(run->plan(m_dir.path("model.safetensors"), m_dir.path("out"), false).isOk());
    std::vector<std::string> dirsSeen;
    auto render = [&](const GenerateRequest& r, const GenerateCallbacks&) -> Result<RgbImage> {
        dirsSeen = r.loraDirs;
        RgbImage image;
        image.width = r.width;
        image.height = r.height;
        image.pixels.assign(std::size_t(r.width) * std::size_t(r.height) * 3, 7);
        return image;
    };
    ASSERT_TRUE(run->run(render).isOk());
    EXPECT_EQ(dirsSeen, std::vector<std::string>{m_dir.path("loras")});
    auto image = loadProject(m_dir.path("out/" + run->fileName(run->seeds()[0])));
    ASSERT_TRUE(image.isOk()) << image.error();
    EXPECT_EQ(image->results.at(0).loras,
              (std::vector<ResultLora>{{"style", 0.6f, 0.6f, kAbcSha256}}));

    // Retrained since: found, but not the file the project was made with.
    writeSafetensors(m_dir.path("loras/style.safetensors"), "abcd");
    auto again = BatchRun::open(m_dir.path("harbour.mdsp"), events);
    ASSERT_TRUE(again.isOk());
    ASSERT_TRUE(again->useLoras({m_dir.path("loras")}).isOk());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("\"style\""), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("ba7816bf8f01"), std::string::npos) << warnings[0];
}

} // namespace
} // namespace md

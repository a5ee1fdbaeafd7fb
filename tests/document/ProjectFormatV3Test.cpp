// Project format 3 (issue 12): paint layers, start settings, region seeds and the results'
// start images, reroll masks and upscales survive .mdsp files and PNG exports; version 2
// files migrate; hostile entries are refused with the entry and the sizes named.
#include "document/DocumentTestUtil.h"
#include "document/LayoutMasks.h"
#include "document/PaintLayers.h"
#include "document/ProjectFile.h"
#include "document/ProjectJson.h"
#include "document/Reroll.h"
#include "document/Upscale.h"
#include "document/ZipWriter.h"

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>

namespace md {
namespace {

using Entries = std::map<std::string, std::vector<std::uint8_t>>;

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

RgbImage pattern(int w, int h, int k)
{
    RgbImage img;
    img.width = w;
    img.height = h;
    img.pixels.resize(std::size_t(w) * h * 3);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        img.pixels[i] = std::uint8_t((i * (3 + k)) ^ (i >> 4));
    return img;
}

// The sample project with two paint layers, start from the layers, a region seed above 2^63,
// and three more results: a reroll of result 2, an img2img from an imported image and a 2x
// upscale of the reroll.
Project conditionedProject()
{
    Project p = test::sampleProject();
    PaintLayer sketch = blankPaintLayer(p, "sketch");
    for (std::size_t i = 0; i < sketch.pixels.pixels.size(); ++i)
        sketch.pixels.pixels[i] = std::uint8_t(i * 13 + (i >> 3));
    sketch.opacity = 0.5f;
    p.paintLayers.push_back(sketch);
    PaintLayer photo = imagePaintLayer(p, pattern(p.width, p.height, 1), "photo \xe2\x98\x85");
    photo.visible = false;
    p.paintLayers.push_back(photo);
    p.settings.start = StartImage::Layers;
    p.settings.strength = 0.6f;
    p.regions[2].seed = 18446744073709551000ull;

    auto reroll = rerollRequest(p, {9}, 31337, {std::nullopt, 0.8f});
    EXPECT_TRUE(reroll.isOk());
    ProjectResult a = makeResult(p, pattern(p.width, p.height, 5), *reroll);
    a.timestamp = 1700000100;
    p.results.push_back(a);

    GenerateRequest img2img = toGenerateRequest(p);
    ProjectResult b = makeResult(p, pattern(p.width, p.height, 6), img2img);
    b.timestamp = 1700000200;
    p.results.push_back(b);

    auto up = upscaleRequest(toGenerateRequest(p), a.image, 2.0);
    EXPECT_TRUE(up.isOk());
    ProjectResult u = makeResult(p, pattern(192, 128, 7), *up, a.id, 2.0);
    u.timestamp = 1700000300;
    p.results.push_back(u);
    EXPECT_TRUE(validate(p).isOk()) << validate(p).message();
    return p;
}

Entries entriesOf(const std::vector<std::uint8_t>& archive)
{
    auto zip = ZipReader::open(archive, "x");
    EXPECT_TRUE(zip.isOk());
    Entries out;
    for (const auto& e : zip->entries())
        out[e.name] = *zip->read(e.name);
    return out;
}

std::vector<std::uint8_t> rezip(const Entries& entries)
{
    ZipWriter w;
    for (const auto& [name, data] : entries)
        EXPECT_TRUE(w.add(name, data).isOk());
    return *w.finish();
}

nlohmann::json jsonOf(const Entries& entries)
{
    const auto& raw = entries.at("project.json");
    return nlohmann::json::parse(std::string(raw.begin(), raw.end()));
}

void setJson(Entries& entries, const nlohmann::json& j)
{
    const std::string text = j.dump();
    entries["project.json"] = std::vector<std::uint8_t>(text.begin(), text.end());
}

std::string loadError(const Entries& entries)
{
    auto p = decodeProjectArchive(rezip(entries), "hostile.mdsp");
    return p.isOk() ? std::string("(loaded)") : p.error();
}

void expectSameMaskWithin(const MaskImage& a, const MaskImage& b)
{
    ASSERT_EQ(a.width, b.width);
    ASSERT_EQ(a.height, b.height);
    for (std::size_t i = 0; i < a.values.size(); ++i)
        ASSERT_NEAR(a.values[i], b.values[i], 0.5f / 255.f) << i;
}

TEST(ProjectFormatV3, RoundTripsPaintLayersSeedsAndResultConditioning)
{
    const Project p = conditionedProject();
    auto bytes = encodeProjectArchive(p);
    ASSERT_TRUE(bytes.isOk()) << bytes.error();
    const Entries entries = entriesOf(*bytes);
    EXPECT_TRUE(entries.count("paintLayers/1.png"));
    EXPECT_TRUE(entries.count("paintLayers/2.png"));
    const nlohmann::json j = jsonOf(entries);
    EXPECT_EQ(j["version"], 3);
    EXPECT_EQ(j["settings"]["start"], "layers");
    EXPECT_EQ(j["paintLayers"][1]["image"], "paintLayers/2.png");
    EXPECT_EQ(j["regions"][2]["seed"], 18446744073709551000ull);
    EXPECT_FALSE(j["regions"][0].contains("seed"));
    // The reroll's start image is result 2's image: no second copy. The imported start image
    // is named by content; the upscale's start image too, at its size.
    EXPECT_EQ(j["results"][2]["startImage"], "results/2.png");
    const std::string imported = j["results"][3]["startImage"];
    EXPECT_EQ(imported.rfind("images/", 0), 0u) << imported;
    EXPECT_TRUE(entries.count(imported));
    EXPECT_EQ(j["results"][4]["sourceResultId"], 3);
    EXPECT_EQ(j["results"][4]["upscale"], 2.0);
    EXPECT_FALSE(j["results"][3].contains("rerollMask"));

    auto loaded = decodeProjectArchive(*bytes, "p.mdsp");
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    const Project& q = *loaded;
    ASSERT_EQ(q.paintLayers.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(q.paintLayers[i].id, p.paintLayers[i].id);
        EXPECT_EQ(q.paintLayers[i].name, p.paintLayers[i].name);
        EXPECT_EQ(q.paintLayers[i].visible, p.paintLayers[i].visible);
        EXPECT_EQ(q.paintLayers[i].opacity, p.paintLayers[i].opacity);
        EXPECT_EQ(q.paintLayers[i].pixels.pixels, p.paintLayers[i].pixels.pixels);
    }
    EXPECT_EQ(q.settings.start, StartImage::Layers);
    EXPECT_EQ(q.settings.strength, 0.6f);
    EXPECT_EQ(q.regions[2].seed, p.regions[2].seed);
    EXPECT_FALSE(q.regions[0].seed);
    ASSERT_EQ(q.results.size(), 5u);
    for (std::size_t i = 2; i < 5; ++i) {
        const ProjectResult& a = p.results[i];
        const ProjectResult& b = q.results[i];
        EXPECT_TRUE(sameImage(a.image, b.image)) << i;
        ASSERT_TRUE(b.startImage) << i;
        EXPECT_TRUE(sameImage(*a.startImage, *b.startImage)) << i;
        EXPECT_EQ(a.sourceResultId, b.sourceResultId);
        EXPECT_EQ(a.upscale, b.upscale);
        EXPECT_EQ(a.settings.strength, b.settings.strength);
        EXPECT_EQ(bool(a.rerollMask), bool(b.rerollMask));
    }
    expectSameMaskWithin(*p.results[2].rerollMask, *q.results[2].rerollMask);
    ASSERT_TRUE(q.results[2].layout);
    EXPECT_EQ((*q.results[2].layout)[2].region.seed, 31337u);
    EXPECT_EQ(q.results[4].image.width, 192);
    // toGenerateRequest starts from the layers again, bit for bit.
    EXPECT_TRUE(sameImage(toGenerateRequest(q).initImage, toGenerateRequest(p).initImage));
    // Equal bytes when saved again.
    auto again = encodeProjectArchive(q);
    ASSERT_TRUE(again.isOk());
    EXPECT_EQ(*again, *bytes);
}

TEST(ProjectFormatV3, ExportsReopenWithLayersAndConditioning)
{
    const Project p = conditionedProject();
    for (std::size_t i : {2u, 4u}) {
        const ProjectResult& r = p.results[i];
        auto png = encodeExportPng(p, r);
        ASSERT_TRUE(png.isOk()) << png.error();
        auto q = decodeExportPng(*png, "export.png");
        ASSERT_TRUE(q.isOk()) << q.error();
        ASSERT_EQ(q->results.size(), 1u);
        const ProjectResult& e = q->results[0];
        EXPECT_EQ(q->width, p.width); // the project's canvas; an upscale keeps its own size
        EXPECT_TRUE(sameImage(e.image, r.image));
        EXPECT_EQ(e.upscale, r.upscale);
        EXPECT_EQ(e.sourceResultId, r.sourceResultId);
        ASSERT_TRUE(e.startImage);
        EXPECT_TRUE(sameImage(*e.startImage, *r.startImage));
        EXPECT_EQ(bool(e.rerollMask), bool(r.rerollMask));
        ASSERT_EQ(q->paintLayers.size(), 2u);
        EXPECT_EQ(q->paintLayers[0].pixels.pixels, p.paintLayers[0].pixels.pixels);
        auto text = parsePngText(*png, "export.png");
        ASSERT_TRUE(text.isOk());
        const std::string size =
            "Size: " + std::to_string(r.image.width) + "x" + std::to_string(r.image.height);
        EXPECT_TRUE(contains(findPngText(*text, kParametersKeyword)->text, size));
    }
}

// A file written by the version 2 writer (main at 7d26e34: `mdstudio-cli generate
// --save-project` on the fixture model, 64x64, a mask and a box region, one result).
TEST(ProjectFormatV3, MigratesTheVersion2Fixture)
{
    const std::string path = test::dataPath("v2-project.mdsp");
    const Entries entries = entriesOf(test::readAll(path));
    ASSERT_EQ(jsonOf(entries)["version"], 2);
    auto p = loadProject(path);
    ASSERT_TRUE(p.isOk()) << p.error();
    EXPECT_EQ(p->width, 64);
    EXPECT_EQ(p->prompt, "a calm sea");
    ASSERT_EQ(p->regions.size(), 2u);
    EXPECT_EQ(p->regions[0].kind, RegionKind::Mask);
    EXPECT_EQ(p->regions[0].mask.values[std::size_t(40) * 64 + 3], 1.f);
    EXPECT_EQ(p->regions[1].box.width, 24);
    EXPECT_FALSE(p->regions[0].seed);
    EXPECT_TRUE(p->paintLayers.empty());
    EXPECT_EQ(p->settings.start, StartImage::Noise);
    EXPECT_EQ(p->settings.strength, 0.75f);
    ASSERT_EQ(p->results.size(), 1u);
    const ProjectResult& r = p->results[0];
    EXPECT_EQ(r.image.width, 64);
    EXPECT_FALSE(r.startImage);
    EXPECT_FALSE(r.rerollMask);
    EXPECT_EQ(r.sourceResultId, 0u);
    EXPECT_EQ(r.upscale, 1.0);
    ASSERT_TRUE(r.layout);
    EXPECT_EQ(r.layout->size(), 2u);

    // Version 2 fields that version 3 gives a meaning are not trusted from a version 2 file.
    Entries tampered = entries;
    nlohmann::json j = jsonOf(tampered);
    j["settings"]["start"] = "last-result";
    j["regions"][0]["seed"] = 5;
    setJson(tampered, j);
    auto dropped = decodeProjectArchive(rezip(tampered), "v2.mdsp");
    ASSERT_TRUE(dropped.isOk()) << dropped.error();
    EXPECT_EQ(dropped->settings.start, StartImage::Noise);
    EXPECT_FALSE(dropped->regions[0].seed);

    // Saved again: version 3, and it loads to the same project.
    auto bytes = encodeProjectArchive(*p);
    ASSERT_TRUE(bytes.isOk());
    EXPECT_EQ(jsonOf(entriesOf(*bytes))["version"], 3);
    auto again = decodeProjectArchive(*bytes, "v3.mdsp");
    ASSERT_TRUE(again.isOk()) << again.error();
    EXPECT_TRUE(sameImage(again->results[0].image, r.image));
    EXPECT_EQ(again->regions[0].mask.values, p->regions[0].mask.values);
}

TEST(ProjectFormatV3, HostilePaintLayersAndConditioningAreRefused)
{
    const Entries good = entriesOf(*encodeProjectArchive(conditionedProject()));
    ASSERT_EQ(loadError(good), "(loaded)");

    Entries e = good; // a paint layer of the wrong size
    e["paintLayers/1.png"] = *encodeRgbaPng(RgbaImage{32, 16, std::vector<std::uint8_t>(2048)});
    EXPECT_TRUE(contains(loadError(e), "paintLayers/1.png (paint layer 1 \"sketch\") is 32x16 "
                                       "but the canvas is 96x64"))
        << loadError(e);

    e = good; // missing entry
    e.erase("paintLayers/2.png");
    EXPECT_TRUE(contains(loadError(e), "\"paintLayers/2.png\" is missing from the archive"))
        << loadError(e);

    auto tamper = [&](const std::function<void(nlohmann::json&)>& f) {
        Entries t = good;
        nlohmann::json j = jsonOf(t);
        f(j);
        setJson(t, j);
        return loadError(t);
    };
    EXPECT_TRUE(contains(tamper([](auto& j) { j["paintLayers"][0]["opacity"] = 2; }),
                         "paintLayers[0].opacity: expected a number from 0 to 1"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["paintLayers"][0]["opacity"] = "full"; }),
                         "paintLayers[0].opacity"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["paintLayers"][1]["id"] = 1; }),
                         "reuses an id of an earlier paint layer"));
    EXPECT_TRUE(
        contains(tamper([](auto& j) { j["paintLayers"][0]["id"] = 0; }), "paintLayers[0].id"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["settings"]["start"] = "sideways"; }),
                         "settings.start: expected \"noise\", \"last-result\" or \"layers\""));
    EXPECT_TRUE(
        contains(tamper([](auto& j) { j["settings"]["strength"] = 0; }), "denoising strength"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["regions"][0]["seed"] = -1; }), "regions[0].seed"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["results"][3]["startImage"] = "images/no.png"; }),
                         "\"images/no.png\" is missing"));
    // A start image of another size than its result.
    EXPECT_TRUE(contains(
        tamper([](auto& j) { j["results"][2]["startImage"] = j["results"][4]["image"]; }),
        "results/5.png (the start image of result 3) is 192x128 but result 3's image is 96x64"));
    // An upscale whose factor does not match its image, and one beyond the limit.
    EXPECT_TRUE(contains(tamper([](auto& j) { j["results"][4]["upscale"] = 3.0; }),
                         "upscaled by 3 is 288x192"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["results"][4]["upscale"] = 64.0; }),
                         "the upscale factor 64 is outside [1, 4]"));
    EXPECT_TRUE(contains(tamper([](auto& j) { j["results"][4]["sourceResultId"] = 5; }),
                         "names itself as its source"));
    // Too many paint layers are refused while the JSON streams past.
    EXPECT_TRUE(
        contains(tamper([](auto& j) {
                     for (int i = 0; i < 70; ++i)
                         j["paintLayers"].push_back(j["paintLayers"][0]);
                 }),
                 "paintLayers: the project has more than 64 paint layers; the limit is 64"));
}

} // namespace
} // namespace md

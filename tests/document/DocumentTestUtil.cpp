#include "document/DocumentTestUtil.h"

#include "TestConfig.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <zlib.h>

namespace md::test {

namespace fs = std::filesystem;

Project sampleProject()
{
    Project p;
    p.width = 96;
    p.height = 64;
    p.model = {"/models/dream shaper.safetensors", "fast-sha256:" + std::string(64, 'a'),
               "1a2b3c4d", "dream shaper", ""}; // no whole-file digest: a project from before
    p.prompt = "a harbour at dawn, (soft light:1.2)";
    p.negative = "blurry, lowres";
    p.settings.sampler = SamplerKind::EulerAncestral;
    p.settings.steps = 27;
    p.settings.cfg = 6.25f;
    p.settings.seed = 18446744073709551557ull; // a seed above 2^63
    p.settings.seedMode = SeedMode::Fixed;
    p.settings.bootstrapSteps = 3;
    p.settings.window = 48;
    p.settings.stride = 16;
    p.settings.circular = true;
    p.settings.feather = 2.5f;

    ProjectRegion sky;
    sky.id = 3;
    sky.name = "sky";
    sky.colour = {12, 200, 255};
    sky.prompt = "pink clouds, \"quoted\"";
    sky.negative = "birds";
    sky.strength = 0.75f;
    sky.kind = RegionKind::Mask;
    sky.mask = blankMask(p.width, p.height);
    for (int y = 0; y < p.height; ++y) {
        for (int x = 0; x < p.width; ++x)
            sky.mask.values[std::size_t(y) * p.width + x] = float(x) / float(p.width - 1);
    }
    p.regions.push_back(sky);

    ProjectRegion boat;
    boat.id = 7;
    boat.name = "boat";
    boat.colour = {200, 10, 10};
    boat.prompt = "a red sailing boat";
    boat.kind = RegionKind::Box;
    boat.box = {8, 16, 40, 32};
    boat.visible = false;
    p.regions.push_back(boat);

    ProjectRegion tower;
    tower.id = 9;
    tower.name = "Leuchtturm \xc3\xa9\xe2\x98\x85"; // "Leuchtturm é★"
    tower.prompt = "a lighthouse\nat night";
    tower.strength = 1.5f;
    tower.mask = blankMask(p.width, p.height);
    for (int y = 10; y < 50; ++y) {
        for (int x = 60; x < 90; ++x)
            tower.mask.values[std::size_t(y) * p.width + x] = 1.f;
    }
    p.regions.push_back(tower);

    for (int k = 0; k < 2; ++k) {
        RgbImage img;
        img.width = p.width;
        img.height = p.height;
        img.pixels.resize(std::size_t(p.width) * p.height * 3);
        for (std::size_t i = 0; i < img.pixels.size(); ++i)
            img.pixels[i] = std::uint8_t((i * (7 + k)) ^ (i >> 5));
        ProjectResult r = makeResult(p, std::move(img), 1000 + std::uint64_t(k));
        r.timestamp = 1700000000 + k;
        p.results.push_back(std::move(r));
    }
    return p;
}

ScratchDir::ScratchDir()
{
    std::random_device rd;
    const fs::path base = fs::temp_directory_path() / "md-document-tests";
    fs::create_directories(base);
    for (;;) {
        const fs::path dir = base / ("t" + std::to_string(rd()));
        if (fs::create_directory(dir)) {
            m_dir = dir.string();
            break;
        }
    }
}

ScratchDir::~ScratchDir()
{
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

std::vector<std::uint8_t> readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

std::string dataPath(const std::string& name)
{
    return std::string(MD_SOURCE_DIR) + "/tests/document/data/" + name;
}

std::string fixturePath(const std::string& name)
{
    const char* dir = std::getenv("MD_FIXTURES_DIR");
    return std::string(dir && *dir ? dir : MD_FIXTURES_DIR_DEFAULT) + "/" + name;
}

namespace {
// The whole-file model hashes (ModelSha256.h) are cached in the build tree, not in $HOME.
const bool kHashCacheInBuildTree = [] {
    ::setenv("MDSTUDIO_CACHE_DIR", MD_BINARY_DIR "/test-tmp/document-cache", 1);
    return true;
}();
} // namespace

namespace {
void put16(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    out.push_back(std::uint8_t(v));
    out.push_back(std::uint8_t(v >> 8));
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}
} // namespace

std::vector<std::uint8_t> rawZip(const std::vector<RawZipEntry>& entries)
{
    std::vector<std::uint8_t> out;
    std::vector<std::uint32_t> offsets;
    auto fields = [](const RawZipEntry& e) {
        const std::uint32_t crc =
            e.declaredCrc >= 0 ? std::uint32_t(e.declaredCrc)
                               : std::uint32_t(::crc32(0, e.data.data(), uInt(e.data.size())));
        const std::uint32_t size =
            e.declaredSize >= 0 ? std::uint32_t(e.declaredSize) : std::uint32_t(e.data.size());
        const std::uint32_t csize =
            e.compressedSize >= 0 ? std::uint32_t(e.compressedSize) : std::uint32_t(e.data.size());
        return std::make_tuple(crc, size, csize);
    };
    for (const RawZipEntry& e : entries) {
        const auto [crc, size, csize] = fields(e);
        offsets.push_back(std::uint32_t(out.size()));
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, 0);
        put16(out, e.method);
        put16(out, 0);
        put16(out, 0x21);
        put32(out, crc);
        put32(out, csize);
        put32(out, size);
        put16(out, std::uint32_t(e.name.size()));
        put16(out, 0);
        out.insert(out.end(), e.name.begin(), e.name.end());
        out.insert(out.end(), e.data.begin(), e.data.end());
    }
    const std::uint32_t cdOffset = std::uint32_t(out.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const RawZipEntry& e = entries[i];
        const auto [crc, size, csize] = fields(e);
        put32(out, 0x02014b50);
        put16(out, 20);
        put16(out, 20);
        put16(out, 0);
        put16(out, e.method);
        put16(out, 0);
        put16(out, 0x21);
        put32(out, crc);
        put32(out, csize);
        put32(out, size);
        put16(out, std::uint32_t(e.name.size()));
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put32(out, 0);
        put32(out, offsets[i]);
        out.insert(out.end(), e.name.begin(), e.name.end());
    }
    const std::uint32_t cdSize = std::uint32_t(out.size()) - cdOffset;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, std::uint32_t(entries.size()));
    put16(out, std::uint32_t(entries.size()));
    put32(out, cdSize);
    put32(out, cdOffset);
    put16(out, 0);
    return out;
}

} // namespace md::test

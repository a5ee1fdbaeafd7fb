#include "document/DocumentTestUtil.h"
#include "document/ZipReader.h"
#include "document/ZipWriter.h"

#include <gtest/gtest.h>
#include <random>

namespace md {
namespace {

using test::RawZipEntry;

std::vector<std::uint8_t> bytesOf(const std::string& s)
{
    return std::vector<std::uint8_t>(s.begin(), s.end());
}

void expectRejected(const std::vector<std::uint8_t>& archive, const std::string& fragment,
                    const ZipLimits& limits = {})
{
    auto zip = ZipReader::open(archive, "evil.mdsp", limits);
    ASSERT_FALSE(zip.isOk()) << "expected: " << fragment;
    EXPECT_NE(zip.error().find(fragment), std::string::npos) << zip.error();
    EXPECT_EQ(zip.error().rfind("evil.mdsp: ", 0), 0u) << zip.error();
}

TEST(Zip, RoundTripStoredAndDeflated)
{
    ZipWriter w;
    const std::string text(5000, 'a');
    std::vector<std::uint8_t> noise(3000);
    std::mt19937 rng(7);
    for (auto& b : noise)
        b = std::uint8_t(rng() >> 24);
    ASSERT_TRUE(w.add("project.json", text).isOk());
    ASSERT_TRUE(w.add("masks/1.png", noise).isOk());
    ASSERT_TRUE(w.add("empty.txt", std::string()).isOk());
    auto archive = w.finish();
    ASSERT_TRUE(archive.isOk()) << archive.error();
    EXPECT_LT(archive->size(), 5000u); // the text was deflated

    auto z = ZipReader::open(*archive, "t.zip");
    ASSERT_TRUE(z.isOk()) << z.error();
    ASSERT_EQ(z->entries().size(), 3u);
    EXPECT_EQ(z->find("project.json")->method, 8);
    EXPECT_EQ(z->find("masks/1.png")->method, 0); // incompressible: stored
    EXPECT_EQ(*z->read("project.json"), bytesOf(text));
    EXPECT_EQ(*z->read("masks/1.png"), noise);
    EXPECT_TRUE(z->read("empty.txt")->empty());
    auto missing = z->read("nope");
    ASSERT_FALSE(missing.isOk());
    EXPECT_NE(missing.error().find("\"nope\""), std::string::npos);
}

TEST(Zip, SameContentGivesSameBytes)
{
    auto make = [] {
        ZipWriter w;
        EXPECT_TRUE(w.add("a", std::string("hello hello hello")).isOk());
        return *w.finish();
    };
    EXPECT_EQ(make(), make());
}

TEST(Zip, ReadsAnArchiveWrittenByPython)
{
    auto z = ZipReader::open(test::readAll(test::dataPath("v1-project.mdsp")), "v1");
    ASSERT_TRUE(z.isOk()) << z.error();
    EXPECT_NE(z->find("project.json"), nullptr);
    auto json = z->read("project.json");
    ASSERT_TRUE(json.isOk()) << json.error();
    EXPECT_NE(std::string(json->begin(), json->end()).find("\"version\": 1"), std::string::npos);
}

TEST(Zip, WriterRefusesUnsafeNames)
{
    for (const char* name : {"../evil", "/abs", "a\\b", "a/../b", "", "c:/x", "a//b", "./a"}) {
        ZipWriter w;
        EXPECT_FALSE(w.add(name, std::string("x")).isOk()) << name;
    }
    ZipWriter w;
    ASSERT_TRUE(w.add("a", std::string("x")).isOk());
    EXPECT_FALSE(w.add("a", std::string("y")).isOk()); // duplicate
}

TEST(Zip, UnsafeNamesAreRejected)
{
    expectRejected(test::rawZip({{"../evil", bytesOf("x")}}), "climbs out");
    expectRejected(test::rawZip({{"masks/../../evil", bytesOf("x")}}), "climbs out");
    expectRejected(test::rawZip({{"/etc/passwd", bytesOf("x")}}), "absolute path");
    expectRejected(test::rawZip({{"masks\\1.png", bytesOf("x")}}), "backslash");
    expectRejected(test::rawZip({{"C:/x", bytesOf("x")}}), "drive letter");
    expectRejected(test::rawZip({{"a", bytesOf("x")}, {"a", bytesOf("y")}}), "appears twice");
}

TEST(Zip, TruncatedArchivesAreRejected)
{
    ZipWriter w;
    ASSERT_TRUE(w.add("project.json", std::string(2000, 'q')).isOk());
    ASSERT_TRUE(w.add("b", std::string(700, 'r')).isOk());
    auto archive = *w.finish();
    for (std::size_t keep : {archive.size() - 1, archive.size() - 30, archive.size() / 2,
                             std::size_t(10), std::size_t(0)}) {
        auto cut = archive;
        cut.resize(keep);
        auto z = ZipReader::open(cut, "cut.mdsp");
        EXPECT_FALSE(z.isOk()) << keep;
        if (keep > 4) {
            EXPECT_NE(z.error().find("truncated"), std::string::npos) << z.error();
        }
    }
    // Data cut out of the middle: the central directory now points past it.
    auto holed = archive;
    holed.erase(holed.begin() + 40, holed.begin() + 60);
    EXPECT_FALSE(ZipReader::open(holed, "holed").isOk());
}

TEST(Zip, HugeDeclaredSizesAndBombsAreRejected)
{
    RawZipEntry big{"results/1.png", bytesOf("tiny")};
    big.declaredSize = 600ll << 20;
    big.compressedSize = 4;
    big.method = 8;
    expectRejected(test::rawZip({big}), "limit is 512 MiB");

    RawZipEntry bomb{"project.json", bytesOf("abcd")};
    bomb.method = 8;
    bomb.declaredSize = 100ll << 20; // 100 MiB from 4 bytes
    expectRejected(test::rawZip({bomb}), "zip bomb");

    ZipLimits small;
    small.maxTotalBytes = 10;
    expectRejected(test::rawZip({{"a", bytesOf("123456")}, {"b", bytesOf("123456")}}), "in all",
                   small);
}

TEST(Zip, InflateStopsAtTheDeclaredSize)
{
    // A real deflate stream of 1 MB of zeros declared as 1000 bytes: refused while reading.
    ZipWriter w;
    ASSERT_TRUE(w.add("z", std::string(1000000, '\0')).isOk());
    auto archive = *w.finish();
    ASSERT_TRUE(ZipReader::open(archive, "z").isOk());
    // Patch the uncompressed size in the local header (offset 22) and in the central
    // directory's header (offset 24; the end record, 22 bytes, says where it starts), so the
    // archive is consistent and lies only about the size.
    auto patch = [&](std::size_t at) {
        archive[at] = 0xe8;
        archive[at + 1] = 0x03;
        archive[at + 2] = 0;
        archive[at + 3] = 0;
    };
    const std::uint8_t* end = &archive[archive.size() - 22];
    const std::size_t central = std::size_t(end[16]) | (std::size_t(end[17]) << 8) |
                                (std::size_t(end[18]) << 16) | (std::size_t(end[19]) << 24);
    patch(22);
    patch(central + 24);
    auto z = ZipReader::open(archive, "z");
    ASSERT_TRUE(z.isOk()) << z.error();
    auto data = z->read("z");
    ASSERT_FALSE(data.isOk());
    EXPECT_NE(data.error().find("more than 1000 bytes"), std::string::npos) << data.error();
}

TEST(Zip, CrcMismatchIsReported)
{
    RawZipEntry e{"project.json", bytesOf("{}")};
    e.declaredCrc = 0x12345678;
    auto z = ZipReader::open(test::rawZip({e}), "crc.mdsp");
    ASSERT_TRUE(z.isOk()) << z.error();
    auto data = z->read("project.json");
    ASSERT_FALSE(data.isOk());
    EXPECT_NE(data.error().find("CRC"), std::string::npos) << data.error();
    EXPECT_NE(data.error().find("project.json"), std::string::npos) << data.error();
}

TEST(Zip, Zip64AndEncryptionAreRefused)
{
    RawZipEntry e{"a", bytesOf("x")};
    e.declaredSize = 0xffffffffll;
    expectRejected(test::rawZip({e}), "ZIP64");
    auto enc = test::rawZip({{"a", bytesOf("x")}});
    enc[6] = 1;      // local flags
    enc[32 + 8] = 1; // central flags (after local header 30 + name 1 + data 1)
    expectRejected(enc, "encrypted");
}

// The archive with a ZIP64 end record and its locator before the end record, all three
// agreeing (what a writer that always emits ZIP64 records produces).
std::vector<std::uint8_t> withZip64EndRecord(std::vector<std::uint8_t> archive)
{
    const std::size_t end = archive.size() - 22;
    std::vector<std::uint8_t> end32(archive.begin() + std::ptrdiff_t(end), archive.end());
    archive.resize(end);
    auto put = [&](std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i)
            archive.push_back(std::uint8_t(v >> (8 * i)));
    };
    auto field = [&](std::size_t at, int bytes) {
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i)
            v |= std::uint64_t(end32[at + std::size_t(i)]) << (8 * i);
        return v;
    };
    const std::size_t record = archive.size();
    put(0x06064b50, 4); // ZIP64 end of central directory record
    put(44, 8);         // its size after this field
    put(45, 2);         // version made by
    put(45, 2);         // version needed
    put(0, 4);          // this disk
    put(0, 4);          // disk with the central directory
    put(field(8, 2), 8);
    put(field(10, 2), 8);
    put(field(12, 4), 8);
    put(field(16, 4), 8);
    put(0x07064b50, 4); // locator
    put(0, 4);
    put(record, 8);
    put(1, 4);
    archive.insert(archive.end(), end32.begin(), end32.end());
    return archive;
}

TEST(Zip, Zip64RecordsAndTrailingBytesAreRefused)
{
    auto plain = test::rawZip({{"a", bytesOf("x")}});
    ASSERT_TRUE(ZipReader::open(plain, "plain").isOk());
    expectRejected(withZip64EndRecord(plain), "ZIP64");
    auto trailing = plain;
    trailing.push_back(0);
    expectRejected(trailing, "unexpected 1 byte after the end of the archive");
    // Garbage that holds an end-record signature of its own is counted from the real one.
    const std::vector<std::uint8_t> garbage{'P', 'K', 5, 6, 'x', 'y', 'z'};
    auto appended = plain;
    appended.insert(appended.end(), garbage.begin(), garbage.end());
    expectRejected(appended, "unexpected 7 bytes after the end of the archive");
    // A comment is part of the archive, not trailing bytes.
    auto commented = plain;
    commented[commented.size() - 2] = 3;
    for (char c : std::string("abc"))
        commented.push_back(std::uint8_t(c));
    EXPECT_TRUE(ZipReader::open(commented, "commented").isOk());
}

TEST(Zip, OverlappingEntriesAreRejected)
{
    auto archive = test::rawZip({{"a", bytesOf("xxxx")}, {"b", bytesOf("yyyy")}});
    // Point entry b's central record at entry a's local header.
    const std::size_t cd = 2 * (30 + 1 + 4);
    const std::size_t second = cd + 46 + 1;
    for (int k = 0; k < 4; ++k)
        archive[second + 42 + std::size_t(k)] = 0;
    // b's local header name then differs from "b": "a" is found there.
    auto z = ZipReader::open(archive, "overlap");
    EXPECT_FALSE(z.isOk());
}

TEST(Zip, NotAZip)
{
    expectRejected(bytesOf("just some text, definitely not a zip archive"), "not a zip");
}

} // namespace
} // namespace md

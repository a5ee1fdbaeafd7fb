// Hostile and malformed safetensors files: each must be refused with a message that names
// the file and the fact that is wrong, and none may crash the reader.

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <cstdint>
#include <fstream>
#include <gtest/gtest.h>
#include <random>

namespace md {
namespace {

std::string u64le(uint64_t n)
{
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i)
        s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return s;
}

// Writes raw bytes: 8-byte length `headerLength` (default: the header's size), the header,
// then `data`.
std::string writeRaw(const std::string& name, const std::string& header, const std::string& data,
                     std::optional<uint64_t> headerLength = std::nullopt)
{
    const std::string path = test::tempPath(name);
    std::ofstream out(path, std::ios::binary);
    out << u64le(headerLength.value_or(header.size())) << header << data;
    return path;
}

// Opening must fail, and the message must name the file and contain `fact`.
void expectRejected(const std::string& path, const std::string& fact)
{
    auto file = SafetensorsFile::open(path);
    ASSERT_FALSE(file) << path << " was accepted";
    const std::string name = path.substr(path.find_last_of('/') + 1);
    EXPECT_NE(file.error().find(name), std::string::npos) << file.error();
    EXPECT_NE(file.error().find(fact), std::string::npos)
        << "message lacks '" << fact << "': " << file.error();
}

const std::string kBytes32(32, '\x01');

TEST(SafetensorsValidation, AcceptsAWellFormedHandWrittenFile)
{
    auto path = writeRaw("good.safetensors",
                         R"({"x":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]}})", kBytes32);
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ((*file)->find("x")->shape, (std::vector<int64_t>{2, 4}));
}

TEST(SafetensorsValidation, RejectsTruncatedData)
{
    auto path = writeRaw("truncated.safetensors",
                         R"({"x":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]}})",
                         kBytes32.substr(0, 20));
    expectRejected(path, "truncated");
}

TEST(SafetensorsValidation, RejectsHeaderLengthPastEndOfFile)
{
    auto path = writeRaw("pasteof.safetensors", R"({})", "", 4096);
    expectRejected(path, "runs past the end of the file");
}

TEST(SafetensorsValidation, RejectsHugeHeaderLength)
{
    auto path = writeRaw("huge.safetensors", R"({})", "", 100000001ull);
    expectRejected(path, "exceeds the limit");
    auto path2 = writeRaw("huge2.safetensors", R"({})", "", ~uint64_t{0});
    expectRejected(path2, "exceeds the limit");
}

TEST(SafetensorsValidation, RejectsFileShorterThanLengthField)
{
    const std::string path = test::tempPath("tiny.safetensors");
    std::ofstream(path, std::ios::binary) << "abc";
    expectRejected(path, "too short");
}

TEST(SafetensorsValidation, RejectsOverlappingOffsets)
{
    auto path = writeRaw("overlap.safetensors",
                         R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                         R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                         kBytes32.substr(0, 24));
    expectRejected(path, "overlap");
}

TEST(SafetensorsValidation, RejectsAliasedTensors)
{
    // Two names for the same bytes: an overlap too (the DoS vector of the reference notes).
    auto path = writeRaw("alias.safetensors",
                         R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                         R"("b":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                         kBytes32.substr(0, 16));
    expectRejected(path, "overlap");
}

TEST(SafetensorsValidation, RejectsGaps)
{
    auto path = writeRaw("gap.safetensors",
                         R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("b":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}})",
                         kBytes32);
    expectRejected(path, "gap of 8 bytes");
    auto path2 = writeRaw("startgap.safetensors",
                          R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}})", kBytes32);
    expectRejected(path2, "gap of 16 bytes");
}

TEST(SafetensorsValidation, RejectsUnknownDtype)
{
    auto path = writeRaw("dtype.safetensors",
                         R"({"x":{"dtype":"F7","shape":[8],"data_offsets":[0,32]}})", kBytes32);
    expectRejected(path, "unknown or unsupported dtype 'F7'");
}

TEST(SafetensorsValidation, RejectsShapeSizeMismatch)
{
    auto path = writeRaw("model.safetensors",
                         R"({"x":{"dtype":"F32","shape":[2,4],"data_offsets":[0,24]}})",
                         kBytes32.substr(0, 24));
    expectRejected(path, "tensor 'x' has 24 bytes but shape [2,4] of F32 needs 32");
}

TEST(SafetensorsValidation, RejectsShapeWhoseSizeOverflows)
{
    auto path = writeRaw(
        "overflow.safetensors",
        R"({"x":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,0]}})", "");
    expectRejected(path, "overflows");
}

TEST(SafetensorsValidation, RejectsNegativeDimension)
{
    auto path = writeRaw("negative.safetensors",
                         R"({"x":{"dtype":"F32","shape":[-2,4],"data_offsets":[0,32]}})", kBytes32);
    expectRejected(path, "negative dimension -2");
}

TEST(SafetensorsValidation, RejectsEndBeforeBegin)
{
    auto path = writeRaw("reversed.safetensors",
                         R"({"x":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}})", "");
    expectRejected(path, "end before they begin");
}

TEST(SafetensorsValidation, RejectsTrailingBytes)
{
    auto path =
        writeRaw("trailing.safetensors",
                 R"({"x":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]}})", kBytes32 + "junk");
    expectRejected(path, "4 trailing bytes");
}

TEST(SafetensorsValidation, RejectsDuplicateKeys)
{
    auto path = writeRaw("dup.safetensors",
                         R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                         R"("x":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}})",
                         kBytes32);
    expectRejected(path, "'x' appears twice");
    auto path2 = writeRaw("dupfield.safetensors",
                          R"({"x":{"dtype":"F32","dtype":"F16","shape":[8],)"
                          R"("data_offsets":[0,32]}})",
                          kBytes32);
    expectRejected(path2, "'dtype' appears twice");
}

TEST(SafetensorsValidation, RejectsInvalidJson)
{
    auto path = writeRaw("json.safetensors",
                         R"({"x":{"dtype":"F32","shape":[8],"data_offsets":[0,32]})", kBytes32);
    expectRejected(path, "not valid JSON");
    auto path2 = writeRaw("array.safetensors", R"([1,2,3])", "");
    expectRejected(path2, "not a JSON object");
}

TEST(SafetensorsValidation, RejectsInvalidUtf8)
{
    auto path = writeRaw("utf8.safetensors",
                         "{\"x\xff\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", "");
    expectRejected(path, "not valid UTF-8");
}

TEST(SafetensorsValidation, RejectsDeepNesting)
{
    auto path =
        writeRaw("deep.safetensors", std::string(100000, '[') + std::string(100000, ']'), "");
    expectRejected(path, "nested deeper");
}

TEST(SafetensorsValidation, RejectsNonStringMetadata)
{
    auto path = writeRaw("meta.safetensors", R"({"__metadata__":{"step":5}})", "");
    expectRejected(path, "not a string");
}

TEST(SafetensorsValidation, AcceptsEmptyScalarAndTensorlessFiles)
{
    auto path = writeRaw("empty.safetensors",
                         R"({"__metadata__":{"k":"v"},)"
                         R"("e":{"dtype":"F16","shape":[0,3],"data_offsets":[0,0]},)"
                         R"("s":{"dtype":"F64","shape":[],"data_offsets":[0,8]},)"
                         R"("z":{"dtype":"I32","shape":[2,0],"data_offsets":[8,8]}}   )",
                         std::string(8, '\0'));
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ((*file)->load("e", torch::kFloat).value().sizes(), (std::vector<int64_t>{0, 3}));
    EXPECT_EQ((*file)->load("s").value().item<double>(), 0.0);
    EXPECT_EQ((*file)->metadata().at("k"), "v");

    auto none = SafetensorsFile::open(writeRaw("none.safetensors", "{}      ", ""));
    ASSERT_TRUE(none) << none.error();
    EXPECT_TRUE((*none)->tensors().empty());
}

TEST(SafetensorsValidation, MissingFileIsAnErrorNotACrash)
{
    auto file = SafetensorsFile::open(test::tempPath("does-not-exist.safetensors"));
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().find("does-not-exist.safetensors"), std::string::npos);
}

TEST(SafetensorsValidation, RandomCorruptionNeverCrashes)
{
    const std::string good = test::tempPath("fuzz-base.safetensors");
    ASSERT_TRUE(writeSafetensors(good, {{"a", torch::randn({3, 4})},
                                        {"b", torch::arange(5, torch::kLong)},
                                        {"c", torch::randn({2}).to(torch::kHalf)}}));
    std::ifstream in(good, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)), {});
    std::mt19937 rng(1234);
    int accepted = 0;
    for (int round = 0; round < 400; ++round) {
        std::string bytes = original;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f)
            bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
        if (round % 5 == 0)
            bytes.resize(rng() % bytes.size());
        const std::string path = test::tempPath("fuzz.safetensors");
        std::ofstream(path, std::ios::binary) << bytes;
        auto file = SafetensorsFile::open(path);
        if (!file) {
            EXPECT_NE(file.error().find("fuzz.safetensors"), std::string::npos) << file.error();
            continue;
        }
        ++accepted;
        for (const auto& t : (*file)->tensors())
            (void)(*file)->load(t.name, torch::kFloat); // must not crash either way
    }
    EXPECT_LT(accepted, 400);
}

} // namespace
} // namespace md

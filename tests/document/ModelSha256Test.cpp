// The whole-file SHA-256 of a checkpoint, its cache, and the A1111 "Model hash" / "Model"
// fields made from it (today's A1111: the first 10 hex digits of the file's SHA-256, the file
// stem), with the legacy 8-hex hash as the fallback for projects saved before.

#include "document/ModelSha256.h"

#include "document/A1111Parameters.h"
#include "document/DocumentTestUtil.h"
#include "document/ModelHash.h"
#include "document/Sha256.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> sampleWeights(std::size_t size, std::uint8_t salt)
{
    std::vector<std::uint8_t> w(size);
    for (std::size_t i = 0; i < size; ++i)
        w[i] = std::uint8_t(i * 131 + (i >> 9) + salt);
    return w;
}

// `weights` written to dir/name, and the reference describeModel makes for it.
Result<ModelReference> describeWritten(const test::ScratchDir& dir, const std::string& name,
                                       const std::vector<std::uint8_t>& weights)
{
    test::writeAll(dir.path(name), weights);
    return describeModel(dir.path(name));
}

TEST(ModelSha256, WholeFileDigestAndItsCache)
{
    test::ScratchDir dir;
    const std::string file = dir.path("model.safetensors");
    const auto weights = sampleWeights((5 << 20) + 123, 1); // more than one read chunk
    test::writeAll(file, weights);
    const std::string cache = modelHashCachePath();
    ASSERT_FALSE(cache.empty());

    auto digest = modelFileSha256(file);
    ASSERT_TRUE(digest.isOk()) << digest.error();
    EXPECT_EQ(digest.value(), Sha256::hex(weights.data(), weights.size()));
    // Cached under the absolute path, with the size and time it is valid for.
    const auto entries = nlohmann::json::parse(test::readAll(cache));
    const std::string key = fs::weakly_canonical(file).string();
    ASSERT_TRUE(entries.contains(key)) << entries.dump();
    EXPECT_EQ(entries[key]["sha256"], digest.value());
    EXPECT_EQ(entries[key]["size"], weights.size());

    // A valid entry of the cache file is used as is (no read of the model): the digest
    // planted for a file this process has not hashed comes back.
    const std::string other = dir.path("other.safetensors");
    test::writeAll(other, weights);
    auto planted = entries;
    planted[fs::weakly_canonical(other).string()] = {
        {"size", weights.size()},
        {"mtime", std::int64_t(fs::last_write_time(other).time_since_epoch().count())},
        {"sha256", std::string(64, 'a')}};
    const std::string text = planted.dump();
    test::writeAll(cache, std::vector<std::uint8_t>(text.begin(), text.end()));
    EXPECT_EQ(modelFileSha256(other).value(), std::string(64, 'a'));

    // Another size (a changed file) is hashed again.
    const auto changed = sampleWeights(weights.size() + 1, 2);
    test::writeAll(file, changed);
    EXPECT_EQ(modelFileSha256(file).value(), Sha256::hex(changed.data(), changed.size()));

    // A damaged cache is skipped, not an error (and written anew).
    test::writeAll(cache, {'{', 'x'});
    const std::string third = dir.path("third.safetensors");
    test::writeAll(third, changed);
    EXPECT_EQ(modelFileSha256(third).value(), Sha256::hex(changed.data(), changed.size()));
    EXPECT_TRUE(
        nlohmann::json::parse(test::readAll(cache)).contains(fs::weakly_canonical(third).string()));

    EXPECT_FALSE(modelFileSha256(dir.path("absent.safetensors")).isOk());
    EXPECT_FALSE(modelFileSha256(dir.dir()).isOk()); // folders have no file hash
}

TEST(ModelSha256, DescribeModelStoresTheWholeFileDigest)
{
    test::ScratchDir dir;
    const auto weights = sampleWeights(3 << 20, 7);
    auto ref = describeWritten(dir, "juggernaut_xl.safetensors", weights);
    ASSERT_TRUE(ref.isOk()) << ref.error();
    EXPECT_EQ(ref->sha256, Sha256::hex(weights.data(), weights.size()));
    EXPECT_EQ(ref->shortHash.size(), 8u); // the legacy hash is kept
    auto fast = describeModel(dir.path("juggernaut_xl.safetensors"), /*withSha256=*/false);
    ASSERT_TRUE(fast.isOk());
    EXPECT_TRUE(fast->sha256.empty());
    EXPECT_EQ(fast->contentHash, ref->contentHash);

    fs::create_directories(dir.path("folder/unet"));
    test::writeAll(dir.path("folder/unet/a.bin"), {1, 2, 3});
    auto folder = describeModel(dir.path("folder"));
    ASSERT_TRUE(folder.isOk());
    EXPECT_TRUE(folder->sha256.empty());
}

ProjectResult resultWith(const ModelReference& model)
{
    Project p = test::sampleProject();
    ProjectResult r = p.results[0];
    r.regions.clear();
    r.model = model;
    return r;
}

TEST(A1111, ModelHashAndNameAsA1111WritesThem)
{
    test::ScratchDir dir;
    const auto weights = sampleWeights(2 << 20, 3);
    auto ref = describeWritten(dir, "sd_xl_base_1.0.safetensors", weights);
    ASSERT_TRUE(ref.isOk()) << ref.error();
    const std::string sha = Sha256::hex(weights.data(), weights.size());

    const ProjectResult r = resultWith(ref.value());
    const std::string text = a1111Parameters(r, 1216, 832);
    // A1111's order: ..., Seed, Size, Model hash, Model, then the extras.
    const std::string expected = ", Size: 1216x832, Model hash: " + sha.substr(0, 10) +
                                 ", Model: sd_xl_base_1.0, MultiDiffusion: ";
    EXPECT_NE(text.find(expected), std::string::npos) << text;
    const A1111Info info = parseA1111Parameters(text);
    ASSERT_NE(info.field("Model hash"), nullptr);
    EXPECT_EQ(*info.field("Model hash"), sha.substr(0, 10));
    EXPECT_EQ(*info.field("Model"), "sd_xl_base_1.0");
    EXPECT_EQ(a1111ModelHash(sha), sha.substr(0, 10));

    // A project saved before the whole-file digest was stored: the legacy 8-hex hash.
    ModelReference legacy = ref.value();
    legacy.sha256.clear();
    EXPECT_EQ(
        *parseA1111Parameters(a1111Parameters(resultWith(legacy), 64, 64)).field("Model hash"),
        legacy.shortHash);
    // A diffusers folder has no file hash: the name alone.
    ModelReference folder;
    folder.path = dir.path("tiny-sdxl");
    folder.displayName = "tiny-sdxl";
    const A1111Info f = parseA1111Parameters(a1111Parameters(resultWith(folder), 64, 64));
    EXPECT_EQ(f.field("Model hash"), nullptr);
    EXPECT_EQ(*f.field("Model"), "tiny-sdxl");
}

} // namespace
} // namespace md

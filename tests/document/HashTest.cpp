#include "document/Base64.h"
#include "document/DocumentTestUtil.h"
#include "document/ModelHash.h"
#include "document/Sha256.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

TEST(Sha256, KnownVectors)
{
    EXPECT_EQ(Sha256::hex("", 0),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256::hex("abc", 3),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    EXPECT_EQ(Sha256::hex(two.data(), two.size()),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // Incremental updates in odd pieces give the same digest.
    const std::string million(1000000, 'a');
    Sha256 h;
    for (std::size_t i = 0; i < million.size(); i += 777)
        h.update(million.data() + i, std::min<std::size_t>(777, million.size() - i));
    EXPECT_EQ(h.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Base64, RoundTripAndStrictness)
{
    for (std::size_t n = 0; n < 10; ++n) {
        std::vector<std::uint8_t> data;
        for (std::size_t i = 0; i < n; ++i)
            data.push_back(std::uint8_t(i * 97 + 3));
        auto back = base64Decode(base64Encode(data));
        ASSERT_TRUE(back.isOk());
        EXPECT_EQ(*back, data);
    }
    EXPECT_EQ(base64Encode(std::vector<std::uint8_t>{'f', 'o', 'o', 'b'}), "Zm9vYg==");
    EXPECT_FALSE(base64Decode("Zm9vYg=").isOk());
    EXPECT_FALSE(base64Decode("Zm9v Yg=").isOk());
    EXPECT_FALSE(base64Decode("Zm=vYg==").isOk());
}

TEST(ModelHash, DetectsChangesAndMoves)
{
    test::ScratchDir dir;
    std::vector<std::uint8_t> weights(3 << 20);
    for (std::size_t i = 0; i < weights.size(); ++i)
        weights[i] = std::uint8_t(i * 31 + (i >> 11));
    test::writeAll(dir.path("model.safetensors"), weights);
    auto ref = describeModel(dir.path("model.safetensors"));
    ASSERT_TRUE(ref.isOk()) << ref.error();
    EXPECT_EQ(ref->displayName, "model");
    EXPECT_EQ(ref->contentHash.rfind("fast-sha256:", 0), 0u);
    EXPECT_EQ(ref->contentHash.size(), 12u + 64u);
    // A1111's legacy hash: SHA-256 of the 64 KiB at 1 MiB, first 8 hex digits.
    EXPECT_EQ(ref->shortHash, Sha256::hex(weights.data() + (1 << 20), 0x10000).substr(0, 8));
    EXPECT_EQ(checkModel(*ref), ModelCheck::Same);

    weights[weights.size() - 10] ^= 1; // a change in the last MiB
    test::writeAll(dir.path("model.safetensors"), weights);
    EXPECT_EQ(checkModel(*ref), ModelCheck::Changed);

    std::filesystem::rename(dir.path("model.safetensors"), dir.path("moved.safetensors"));
    EXPECT_EQ(checkModel(*ref), ModelCheck::Missing);

    std::filesystem::create_directories(dir.path("diffusers/unet"));
    test::writeAll(dir.path("diffusers/unet/a.bin"), {1, 2, 3});
    auto folder = describeModel(dir.path("diffusers"));
    ASSERT_TRUE(folder.isOk()) << folder.error();
    EXPECT_EQ(folder->displayName, "diffusers");
    EXPECT_TRUE(folder->shortHash.empty());
    EXPECT_EQ(checkModel(*folder), ModelCheck::Same);
    test::writeAll(dir.path("diffusers/unet/a.bin"), {1, 2, 4});
    EXPECT_EQ(checkModel(*folder), ModelCheck::Changed);

    EXPECT_FALSE(describeModel(dir.path("absent")).isOk());
    EXPECT_EQ(describeModel("")->displayName, "embedded default");
}

} // namespace
} // namespace md

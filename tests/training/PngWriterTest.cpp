#include "training/PngWriter.h"

#include "engine/common/Fixtures.h"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <vector>

// The reader half of stb, for the round trip below (internal linkage, this file only).
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb_image.h>

namespace md {
namespace {

TEST(PngWriter, WritesAValidHeaderAndAllPixels)
{
    auto image = torch::rand({3, 5, 7});
    const std::string path = test::tempPath("png-writer.png");
    ASSERT_TRUE(PngWriter::write(path, image).isOk());
    std::ifstream f(path, std::ios::binary);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(f)), {});
    ASSERT_GT(bytes.size(), 8u + 25u + 12u);
    const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    EXPECT_TRUE(std::equal(sig, sig + 8, bytes.begin()));
    auto be32 = [&](size_t at) {
        return (uint32_t(bytes[at]) << 24) | (uint32_t(bytes[at + 1]) << 16) |
               (uint32_t(bytes[at + 2]) << 8) | uint32_t(bytes[at + 3]);
    };
    EXPECT_EQ(be32(16), 7u); // width
    EXPECT_EQ(be32(20), 5u); // height
    EXPECT_EQ(bytes[24], 8u); // bit depth
    EXPECT_EQ(bytes[25], 2u); // colour type: RGB

    // Every pixel reads back as the rounded 8-bit value.
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels =
        stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels, 3);
    ASSERT_NE(pixels, nullptr) << stbi_failure_reason();
    ASSERT_EQ(w, 7);
    ASSERT_EQ(h, 5);
    EXPECT_EQ(channels, 3);
    auto expected = (image * 255.0).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
    EXPECT_TRUE(std::equal(pixels, pixels + 5 * 7 * 3, expected.data_ptr<uint8_t>()));
    stbi_image_free(pixels);
}

TEST(PngWriter, RefusesAnEmptyImageAndAnUnwritablePath)
{
    EXPECT_FALSE(PngWriter::write(test::tempPath("empty.png"), torch::rand({3, 0, 4})).isOk());
    EXPECT_FALSE(PngWriter::write(test::tempPath("gray.png"), torch::rand({1, 4, 4})).isOk());
    auto s = PngWriter::write("/nonexistent-folder/x.png", torch::rand({3, 2, 2}));
    ASSERT_FALSE(s.isOk());
    EXPECT_NE(s.message().find("/nonexistent-folder/x.png"), std::string::npos);
}

TEST(PngWriter, GridTilesImages)
{
    auto images = torch::zeros({5, 3, 4, 6});
    auto g = PngWriter::grid(images, 2, true);
    EXPECT_EQ(g.sizes(), (std::vector<int64_t>{3, 12, 12}));
    EXPECT_NEAR(g.slice(1, 0, 4).slice(2, 0, 6).mean().item<float>(), 0.5f, 1e-6);
    EXPECT_NEAR(g.slice(1, 8, 12).slice(2, 6, 12).mean().item<float>(), 1.0f, 1e-6); // empty cell
}

} // namespace
} // namespace md

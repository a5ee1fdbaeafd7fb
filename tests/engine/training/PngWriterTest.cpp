#include "engine/training/PngWriter.h"

#include "engine/common/Fixtures.h"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <vector>

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
    // Stored deflate: the raw rows (filter byte + 3 bytes per pixel) are all in the file.
    EXPECT_GE(bytes.size(), size_t(5 * (1 + 7 * 3)));
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

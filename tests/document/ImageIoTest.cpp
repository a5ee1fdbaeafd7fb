#include "document/ImageIo.h"

#include "document/DocumentTestUtil.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

namespace md {
namespace {

RgbImage pattern(int w, int h)
{
    RgbImage img;
    img.width = w;
    img.height = h;
    img.pixels.resize(std::size_t(w) * h * 3);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = &img.pixels[(std::size_t(y) * w + x) * 3];
            p[0] = std::uint8_t(x * 3);
            p[1] = std::uint8_t(y * 5);
            p[2] = std::uint8_t(x ^ y);
        }
    }
    return img;
}

TEST(ImageIo, RgbRoundTripIsExactAndChannelOrderIsRgb)
{
    test::ScratchDir dir;
    const RgbImage img = pattern(40, 24);
    ASSERT_TRUE(writePng(dir.path("a.png"), img).isOk());
    auto back = readRgbPng(dir.path("a.png"));
    ASSERT_TRUE(back.isOk()) << back.error();
    EXPECT_EQ(back->width, 40);
    EXPECT_EQ(back->height, 24);
    EXPECT_EQ(back->pixels, img.pixels);
    // OpenCV sees BGR: its channel 2 must be our red.
    cv::Mat bgr = cv::imread(dir.path("a.png"), cv::IMREAD_COLOR);
    ASSERT_FALSE(bgr.empty());
    EXPECT_EQ(bgr.at<cv::Vec3b>(3, 5)[2], img.pixels[(3 * 40 + 5) * 3 + 0]);
}

TEST(ImageIo, SoftMaskSurvivesWithin1Over255)
{
    test::ScratchDir dir;
    MaskImage m;
    m.width = 33;
    m.height = 17;
    for (int i = 0; i < m.width * m.height; ++i)
        m.values.push_back(float((i * 37) % 1000) / 999.f);
    ASSERT_TRUE(writeMaskPng(dir.path("m.png"), m).isOk());
    auto back = readMaskPng(dir.path("m.png"));
    ASSERT_TRUE(back.isOk()) << back.error();
    ASSERT_EQ(back->values.size(), m.values.size());
    for (std::size_t i = 0; i < m.values.size(); ++i)
        ASSERT_NEAR(back->values[i], m.values[i], 0.5f / 255.f + 1e-6f) << i;
}

TEST(ImageIo, MaskFromAlphaWhenTransparentElseFromLuma)
{
    test::ScratchDir dir;
    cv::Mat bgra(8, 8, CV_8UC4, cv::Scalar(255, 255, 255, 0));
    bgra.at<cv::Vec4b>(2, 3)[3] = 128;
    ASSERT_TRUE(cv::imwrite(dir.path("alpha.png"), bgra));
    auto alpha = readMaskPng(dir.path("alpha.png"));
    ASSERT_TRUE(alpha.isOk()) << alpha.error();
    EXPECT_NEAR(alpha->values[2 * 8 + 3], 128.f / 255.f, 1e-6f);
    EXPECT_EQ(alpha->values[0], 0.f); // white but transparent: outside

    cv::Mat bgr(8, 8, CV_8UC3, cv::Scalar(0, 0, 0));
    bgr.at<cv::Vec3b>(1, 1) = cv::Vec3b(255, 255, 255);
    bgr.at<cv::Vec3b>(1, 2) = cv::Vec3b(0, 0, 255); // pure red: luma 0.299
    ASSERT_TRUE(cv::imwrite(dir.path("rgb.png"), bgr));
    auto luma = readMaskPng(dir.path("rgb.png"));
    ASSERT_TRUE(luma.isOk()) << luma.error();
    EXPECT_NEAR(luma->values[1 * 8 + 1], 1.f, 1e-6f);
    EXPECT_NEAR(luma->values[1 * 8 + 2], 0.299f, 2.f / 255.f);
    EXPECT_EQ(luma->values[0], 0.f);

    cv::Mat gray16(4, 4, CV_16UC1, cv::Scalar(0));
    gray16.at<std::uint16_t>(0, 1) = 32768;
    ASSERT_TRUE(cv::imwrite(dir.path("g16.png"), gray16));
    auto deep = readMaskPng(dir.path("g16.png"));
    ASSERT_TRUE(deep.isOk()) << deep.error();
    EXPECT_NEAR(deep->values[1], 32768.f / 65535.f, 1e-6f);
}

TEST(ImageIo, TextChunksRoundTripAsciiUtf8AndCompressed)
{
    test::ScratchDir dir;
    const std::string big(20000, 'x');
    PngTextChunks in = {{"parameters", "a cat\nSteps: 20", false},
                        {"Comment", "caf\xc3\xa9 \xe2\x98\x85", false},
                        {"mdstudio-project", "{\"a\": \"" + big + "\"}", true}};
    ASSERT_TRUE(writePng(dir.path("t.png"), pattern(16, 16), in).isOk());
    auto chunks = readPngText(dir.path("t.png"));
    ASSERT_TRUE(chunks.isOk()) << chunks.error();
    ASSERT_EQ(chunks->size(), 3u);
    for (std::size_t i = 0; i < in.size(); ++i) {
        EXPECT_EQ((*chunks)[i].keyword, in[i].keyword);
        EXPECT_EQ((*chunks)[i].text, in[i].text);
        EXPECT_EQ((*chunks)[i].compressed, in[i].compressed);
    }
    // The compressed chunk is much smaller than its text.
    EXPECT_LT(test::readAll(dir.path("t.png")).size(), 10000u);
    // Any decoder still sees the image.
    cv::Mat viewer = cv::imread(dir.path("t.png"));
    EXPECT_EQ(viewer.cols, 16);
    // The ASCII chunk is a plain tEXt, the UTF-8 one an iTXt.
    const auto bytes = test::readAll(dir.path("t.png"));
    const std::string raw(bytes.begin(), bytes.end());
    EXPECT_NE(raw.find("tEXtparameters"), std::string::npos);
    EXPECT_NE(raw.find("iTXtComment"), std::string::npos);
}

TEST(ImageIo, ReadPngTextOnAPngWrittenByOpenCvAlone)
{
    test::ScratchDir dir;
    cv::Mat img(10, 12, CV_8UC3, cv::Scalar(1, 2, 3));
    ASSERT_TRUE(cv::imwrite(dir.path("cv.png"), img));
    auto chunks = readPngText(dir.path("cv.png"));
    ASSERT_TRUE(chunks.isOk()) << chunks.error();
    EXPECT_TRUE(chunks->empty());
    auto size = pngSize(test::readAll(dir.path("cv.png")), "cv.png");
    ASSERT_TRUE(size.isOk());
    EXPECT_EQ(size->first, 12);
    EXPECT_EQ(size->second, 10);
}

// A 4x4 gray PNG with a zTXt chunk built by hand (valid CRC) right after IHDR.
std::vector<std::uint8_t> pngWithZtxt(const std::string& key, std::uint8_t method,
                                      const std::vector<std::uint8_t>& compressed)
{
    std::vector<std::uint8_t> png;
    EXPECT_TRUE(cv::imencode(".png", cv::Mat(4, 4, CV_8UC1, cv::Scalar(9)), png));
    std::vector<std::uint8_t> body = {'z', 'T', 'X', 't'};
    body.insert(body.end(), key.begin(), key.end());
    body.push_back(0);
    body.push_back(method);
    body.insert(body.end(), compressed.begin(), compressed.end());
    std::vector<std::uint8_t> chunk;
    const std::uint32_t len = std::uint32_t(body.size() - 4);
    for (int s = 24; s >= 0; s -= 8)
        chunk.push_back(std::uint8_t(len >> s));
    chunk.insert(chunk.end(), body.begin(), body.end());
    const std::uint32_t crc = std::uint32_t(crc32(0, body.data(), uInt(body.size())));
    for (int s = 24; s >= 0; s -= 8)
        chunk.push_back(std::uint8_t(crc >> s));
    png.insert(png.begin() + 33, chunk.begin(), chunk.end()); // 8 signature + 25 IHDR
    return png;
}

std::vector<std::uint8_t> zlibCompress(const std::string& text)
{
    uLongf zlen = compressBound(uLong(text.size()));
    std::vector<std::uint8_t> z(zlen);
    EXPECT_EQ(
        compress(z.data(), &zlen, reinterpret_cast<const Bytef*>(text.data()), uLong(text.size())),
        Z_OK);
    z.resize(zlen);
    return z;
}

TEST(ImageIo, ZtxtFromOtherWritersIsRead)
{
    auto png = pngWithZtxt("key", 0, zlibCompress("Latin-1 \xe9"));
    auto chunks = parsePngText(png, "ztxt");
    ASSERT_TRUE(chunks.isOk()) << chunks.error();
    ASSERT_EQ(chunks->size(), 1u);
    EXPECT_EQ((*chunks)[0].keyword, "key");
    EXPECT_EQ((*chunks)[0].text, "Latin-1 \xc3\xa9"); // converted to UTF-8
    EXPECT_TRUE((*chunks)[0].compressed);
}

TEST(ImageIo, UnreadableTextChunksAreRefusedNotDropped)
{
    // Intact chunks (their CRCs match) whose text cannot be read: libpng would skip them with
    // a warning; the file is refused instead, naming the chunk.
    auto z = zlibCompress(std::string(300, 'a'));
    z[z.size() / 2] ^= 0xff; // inside the deflate stream
    auto damaged = parsePngText(pngWithZtxt("key", 0, z), "damaged.png");
    ASSERT_FALSE(damaged.isOk());
    EXPECT_NE(damaged.error().find("zTXt"), std::string::npos) << damaged.error();
    EXPECT_EQ(damaged.error().rfind("damaged.png: ", 0), 0u) << damaged.error();

    auto method = parsePngText(pngWithZtxt("key", 1, zlibCompress("x")), "method.png");
    ASSERT_FALSE(method.isOk());
    EXPECT_NE(method.error().find("zTXt"), std::string::npos) << method.error();

    auto keyword = parsePngText(pngWithZtxt("", 0, zlibCompress("x")), "keyword.png");
    ASSERT_FALSE(keyword.isOk());
}

TEST(ImageIo, CorruptAndTruncatedPngsAreRejected)
{
    auto png = encodePng(pattern(8, 8), {{"k", "v", false}});
    ASSERT_TRUE(png.isOk());
    auto flipped = *png;
    flipped[45] ^= 0x40; // inside the tEXt chunk
    auto bad = parsePngText(flipped, "flipped.png");
    ASSERT_FALSE(bad.isOk());
    EXPECT_NE(bad.error().find("CRC"), std::string::npos) << bad.error();

    auto cut = *png;
    cut.resize(cut.size() - 20);
    auto truncated = parsePngText(cut, "cut.png");
    ASSERT_FALSE(truncated.isOk());
    EXPECT_NE(truncated.error().find("truncated"), std::string::npos) << truncated.error();
    EXPECT_FALSE(decodeRgbPng(cut, "cut.png").isOk());

    auto notPng = parsePngText({'G', 'I', 'F', '8', '9', 'a', 0, 0, 0}, "x.gif");
    ASSERT_FALSE(notPng.isOk());
    EXPECT_NE(notPng.error().find("not a PNG"), std::string::npos);

    // A chunk length pointing far past the end.
    auto huge = *png;
    huge[33] = 0x7f; // first byte of the tEXt length
    auto past = parsePngText(huge, "huge.png");
    ASSERT_FALSE(past.isOk());
    EXPECT_NE(past.error().find("truncated"), std::string::npos) << past.error();
}

TEST(ImageIo, BadKeywordsAreRefused)
{
    EXPECT_FALSE(encodePng(pattern(4, 4), {{"", "v", false}}).isOk());
    EXPECT_FALSE(encodePng(pattern(4, 4), {{std::string(80, 'k'), "v", false}}).isOk());
    EXPECT_FALSE(encodePng(pattern(4, 4), {{" lead", "v", false}}).isOk());
}

} // namespace
} // namespace md

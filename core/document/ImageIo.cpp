#include "document/ImageIo.h"

#include "document/AtomicFile.h"
#include "document/PngCodec.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace md {

namespace {

constexpr std::uint64_t kMaxPngFile = 1ull << 30;

// The header and the chunks before the image data, then the size limit, before any decoder
// allocates pixels. The decoder (libpng inside OpenCV) checks the image data and IEND.
Status checkDecodable(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto header = readPngHeader(png, what);
    if (!header)
        return header.status();
    if (header->width > kMaxImageSide || header->height > kMaxImageSide)
        return Status::error(what + ": the image is " + std::to_string(header->width) + "x" +
                             std::to_string(header->height) + "; the limit is " +
                             std::to_string(kMaxImageSide) + " px per side");
    return Status::ok();
}

Result<cv::Mat> decode(const std::vector<std::uint8_t>& png, const std::string& what, int flags)
{
    if (auto s = checkDecodable(png, what); !s)
        return s;
    try {
        cv::Mat img = cv::imdecode(
            cv::Mat(1, int(png.size()), CV_8U, const_cast<std::uint8_t*>(png.data())), flags);
        if (img.empty())
            return Status::error(what + ": the PNG could not be decoded (corrupt or truncated)");
        return img;
    } catch (const std::exception& e) {
        return Status::error(what + ": the PNG could not be decoded: " + e.what());
    }
}

// An 8-bit image of `channels` channels (already in RGB(A) order) as tightly packed rows.
template <class Image> Image packedPixels(const cv::Mat& mat, int channels)
{
    Image out;
    out.width = mat.cols;
    out.height = mat.rows;
    const std::size_t row = std::size_t(out.width) * channels;
    out.pixels.resize(row * out.height);
    for (int y = 0; y < mat.rows; ++y)
        std::copy_n(mat.ptr<std::uint8_t>(y), row, out.pixels.data() + std::size_t(y) * row);
    return out;
}

} // namespace

Result<RgbImage> decodeRgbPng(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto mat = decode(png, what, cv::IMREAD_COLOR);
    if (!mat)
        return mat.status();
    cv::Mat rgb;
    try {
        cv::cvtColor(*mat, rgb, cv::COLOR_BGR2RGB);
    } catch (const std::exception& e) {
        return Status::error(what + ": colour conversion failed: " + e.what());
    }
    return packedPixels<RgbImage>(rgb, 3);
}

Result<RgbImage> readRgbPng(const std::string& path)
{
    auto bytes = readFileBytes(path, kMaxPngFile);
    if (!bytes)
        return bytes.status();
    return decodeRgbPng(*bytes, path);
}

Result<MaskImage> decodeMaskPng(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto decoded = decode(png, what, cv::IMREAD_UNCHANGED);
    if (!decoded)
        return decoded.status();
    cv::Mat mat = *decoded;
    const double scale = mat.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0;
    if (mat.depth() != CV_8U && mat.depth() != CV_16U)
        return Status::error(what + ": unsupported PNG sample depth for a mask");
    cv::Mat plane;
    try {
        const int channels = mat.channels();
        if (channels == 1) {
            plane = mat;
        } else if (channels == 2 || channels == 4) {
            std::vector<cv::Mat> parts;
            cv::split(mat, parts);
            double minAlpha = 0;
            cv::minMaxLoc(parts.back(), &minAlpha);
            const double opaque = mat.depth() == CV_16U ? 65535.0 : 255.0;
            if (minAlpha < opaque) {
                plane = parts.back();
            } else if (channels == 2) {
                plane = parts[0];
            } else {
                cv::cvtColor(mat, plane, cv::COLOR_BGRA2GRAY);
            }
        } else if (channels == 3) {
            cv::cvtColor(mat, plane, cv::COLOR_BGR2GRAY);
        } else {
            return Status::error(what + ": unsupported channel count " + std::to_string(channels));
        }
    } catch (const std::exception& e) {
        return Status::error(what + ": reading the mask failed: " + e.what());
    }
    MaskImage out;
    out.width = plane.cols;
    out.height = plane.rows;
    out.values.resize(std::size_t(out.width) * out.height);
    for (int y = 0; y < plane.rows; ++y) {
        float* dst = out.values.data() + std::size_t(y) * out.width;
        if (plane.depth() == CV_16U) {
            const auto* src = plane.ptr<std::uint16_t>(y);
            for (int x = 0; x < plane.cols; ++x)
                dst[x] = float(src[x] * scale);
        } else {
            const auto* src = plane.ptr<std::uint8_t>(y);
            for (int x = 0; x < plane.cols; ++x)
                dst[x] = float(src[x] * scale);
        }
    }
    return out;
}

Result<RgbaImage> decodeRgbaPng(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto decoded = decode(png, what, cv::IMREAD_UNCHANGED);
    if (!decoded)
        return decoded.status();
    cv::Mat mat = *decoded;
    cv::Mat rgba;
    try {
        if (mat.depth() == CV_16U)
            mat.convertTo(mat, CV_8U, 1.0 / 257.0);
        else if (mat.depth() != CV_8U)
            return Status::error(what + ": unsupported PNG sample depth for a paint layer");
        switch (mat.channels()) {
        case 1:
            cv::cvtColor(mat, rgba, cv::COLOR_GRAY2RGBA);
            break;
        case 2: { // gray + alpha
            std::vector<cv::Mat> parts;
            cv::split(mat, parts);
            cv::merge(std::vector<cv::Mat>{parts[0], parts[0], parts[0], parts[1]}, rgba);
            break;
        }
        case 3:
            cv::cvtColor(mat, rgba, cv::COLOR_BGR2RGBA);
            break;
        case 4:
            cv::cvtColor(mat, rgba, cv::COLOR_BGRA2RGBA);
            break;
        default:
            return Status::error(what + ": unsupported channel count " +
                                 std::to_string(mat.channels()));
        }
    } catch (const std::exception& e) {
        return Status::error(what + ": colour conversion failed: " + e.what());
    }
    return packedPixels<RgbaImage>(rgba, 4);
}

Result<MaskImage> readMaskPng(const std::string& path)
{
    auto bytes = readFileBytes(path, kMaxPngFile);
    if (!bytes)
        return bytes.status();
    return decodeMaskPng(*bytes, path);
}

Result<std::vector<std::uint8_t>> encodePng(const RgbImage& image, const PngTextChunks& text)
{
    if (image.empty() || image.pixels.size() != std::size_t(image.width) * image.height * 3)
        return Status::error("cannot encode an RGB image of " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + " with " +
                             std::to_string(image.pixels.size()) + " bytes");
    return writePngBytes(image.pixels.data(), image.width, image.height, 3, text);
}

Result<std::vector<std::uint8_t>> encodeMaskPng(const MaskImage& mask)
{
    if (mask.empty() || mask.values.size() != std::size_t(mask.width) * mask.height)
        return Status::error("cannot encode a mask of " + std::to_string(mask.width) + "x" +
                             std::to_string(mask.height) + " with " +
                             std::to_string(mask.values.size()) + " values");
    std::vector<std::uint8_t> gray(mask.values.size());
    for (std::size_t i = 0; i < gray.size(); ++i) {
        const float v = std::isfinite(mask.values[i]) ? std::clamp(mask.values[i], 0.f, 1.f) : 0.f;
        gray[i] = std::uint8_t(std::lround(v * 255.f));
    }
    return writePngBytes(gray.data(), mask.width, mask.height, 1, {});
}

Result<std::vector<std::uint8_t>> encodeRgbaPng(const RgbaImage& image)
{
    if (image.empty() || image.pixels.size() != std::size_t(image.width) * image.height * 4)
        return Status::error("cannot encode an RGBA image of " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + " with " +
                             std::to_string(image.pixels.size()) + " bytes");
    return writePngBytes(image.pixels.data(), image.width, image.height, 4, {});
}

Status writePng(const std::string& path, const RgbImage& image,
                const std::vector<PngTextChunk>& text)
{
    auto png = encodePng(image, text);
    if (!png)
        return png.status().withContext(path);
    return writeFileAtomic(path, *png);
}

Status writeMaskPng(const std::string& path, const MaskImage& mask)
{
    auto png = encodeMaskPng(mask);
    if (!png)
        return png.status().withContext(path);
    return writeFileAtomic(path, *png);
}

const PngTextChunk* findPngText(const PngTextChunks& chunks, const std::string& keyword)
{
    for (const auto& c : chunks) {
        if (c.keyword == keyword)
            return &c;
    }
    return nullptr;
}

Result<PngTextChunks> parsePngText(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto contents = readPngContents(png, what);
    if (!contents)
        return contents.status();
    return std::move(contents->text);
}

Result<PngTextChunks> readPngText(const std::string& path)
{
    auto bytes = readFileBytes(path, kMaxPngFile);
    if (!bytes)
        return bytes.status();
    return parsePngText(*bytes, path);
}

Result<std::pair<int, int>> pngSize(const std::vector<std::uint8_t>& png, const std::string& what)
{
    auto header = readPngHeader(png, what);
    if (!header)
        return header.status();
    return std::make_pair(header->width, header->height);
}

} // namespace md

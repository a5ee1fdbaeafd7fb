#include "document/ImageIo.h"

#include "document/AtomicFile.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace md {

namespace {

constexpr std::uint64_t kMaxPngFile = 1ull << 30;

Status checkDecodable(const std::vector<std::uint8_t>& png, const std::string& what)
{
    if (auto s = checkPngStructure(png, what); !s)
        return s;
    auto size = pngSize(png, what);
    if (!size)
        return size.status();
    if (size->first > kMaxImageSide || size->second > kMaxImageSide)
        return Status::error(what + ": the image is " + std::to_string(size->first) + "x" +
                             std::to_string(size->second) + "; the limit is " +
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

Result<std::vector<std::uint8_t>> encodeMat(const cv::Mat& mat)
{
    try {
        std::vector<std::uint8_t> out;
        if (!cv::imencode(".png", mat, out, {cv::IMWRITE_PNG_COMPRESSION, 6}))
            return Status::error("OpenCV could not encode the PNG");
        return out;
    } catch (const std::exception& e) {
        return Status::error(std::string("OpenCV could not encode the PNG: ") + e.what());
    }
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
    RgbImage out;
    out.width = rgb.cols;
    out.height = rgb.rows;
    out.pixels.resize(std::size_t(out.width) * out.height * 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::copy_n(rgb.ptr<std::uint8_t>(y), std::size_t(out.width) * 3,
                    out.pixels.data() + std::size_t(y) * out.width * 3);
    return out;
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
    cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat bgr;
    try {
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    } catch (const std::exception& e) {
        return Status::error(std::string("colour conversion failed: ") + e.what());
    }
    auto png = encodeMat(bgr);
    if (!png || text.empty())
        return png;
    return insertPngText(*png, text);
}

Result<std::vector<std::uint8_t>> encodeMaskPng(const MaskImage& mask)
{
    if (mask.empty() || mask.values.size() != std::size_t(mask.width) * mask.height)
        return Status::error("cannot encode a mask of " + std::to_string(mask.width) + "x" +
                             std::to_string(mask.height) + " with " +
                             std::to_string(mask.values.size()) + " values");
    cv::Mat gray(mask.height, mask.width, CV_8UC1);
    for (int y = 0; y < mask.height; ++y) {
        auto* dst = gray.ptr<std::uint8_t>(y);
        const float* src = mask.values.data() + std::size_t(y) * mask.width;
        for (int x = 0; x < mask.width; ++x) {
            const float v = std::isfinite(src[x]) ? std::clamp(src[x], 0.f, 1.f) : 0.f;
            dst[x] = std::uint8_t(std::lround(v * 255.f));
        }
    }
    return encodeMat(gray);
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

} // namespace md

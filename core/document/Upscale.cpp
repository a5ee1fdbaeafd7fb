#include "document/Upscale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <tuple>

namespace md {

namespace {

std::string sizeText(int w, int h)
{
    return std::to_string(w) + "x" + std::to_string(h);
}

std::string factorText(double f)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", f);
    return buf;
}

bool sideFits(int canvas, double factor, int side)
{
    return side % kCanvasMultiple == 0 && side > 0 && side <= kMaxCanvasSize &&
           std::abs(double(side) - double(canvas) * factor) <= double(kCanvasMultiple);
}

// Scales [start, start + length) and keeps at least one pixel.
std::pair<int, int> scaleSpan(int start, int length, double scale, int limit)
{
    const int a = std::clamp(int(std::lround(start * scale)), 0, limit - 1);
    const int b = std::clamp(int(std::lround((start + length) * scale)), a + 1, limit);
    return {a, b - a};
}

} // namespace

int upscaledSide(int side, double factor)
{
    const long v = std::lround(double(side) * factor / kCanvasMultiple) * kCanvasMultiple;
    return int(std::max<long>(kCanvasMultiple, std::min<long>(v, 1L << 30)));
}

Status checkUpscaledSize(int canvasWidth, int canvasHeight, double factor, int width, int height,
                         const std::string& what)
{
    if (!std::isfinite(factor) || factor < kMinUpscale || factor > kMaxUpscale)
        return Status::error(what + ": the upscale factor " + factorText(factor) + " is outside [" +
                             factorText(kMinUpscale) + ", " + factorText(kMaxUpscale) + "]");
    const bool ok = factor == 1.0 ? width == canvasWidth && height == canvasHeight
                                  : sideFits(canvasWidth, factor, width) &&
                                        sideFits(canvasHeight, factor, height);
    if (ok)
        return Status::ok();
    if (factor == 1.0)
        return Status::error(what + ": the image is " + sizeText(width, height) +
                             " but the canvas is " + sizeText(canvasWidth, canvasHeight));
    return Status::error(
        what + ": the image is " + sizeText(width, height) + ", but the " +
        sizeText(canvasWidth, canvasHeight) + " canvas upscaled by " + factorText(factor) + " is " +
        sizeText(upscaledSide(canvasWidth, factor), upscaledSide(canvasHeight, factor)) +
        " (sides multiples of 8, at most " + std::to_string(kMaxCanvasSize) + ")");
}

RgbImage resizeLanczos(const RgbImage& image, int width, int height)
{
    RgbImage out;
    out.width = width;
    out.height = height;
    out.pixels.resize(std::size_t(width) * std::size_t(height) * 3);
    const cv::Mat src(image.height, image.width, CV_8UC3,
                      const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat dst(height, width, CV_8UC3, out.pixels.data());
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_LANCZOS4);
    return out;
}

MaskImage resizeMask(const MaskImage& mask, int width, int height)
{
    MaskImage out;
    out.width = width;
    out.height = height;
    out.values.resize(std::size_t(width) * std::size_t(height));
    const cv::Mat src(mask.height, mask.width, CV_32FC1, const_cast<float*>(mask.values.data()));
    cv::Mat dst(height, width, CV_32FC1, out.values.data());
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_LINEAR);
    for (float& v : out.values)
        v = std::isfinite(v) ? std::clamp(v, 0.f, 1.f) : 0.f;
    return out;
}

Result<GenerateRequest> upscaleRequest(const GenerateRequest& made, const RgbImage& result,
                                       double factor, float strength)
{
    if (!std::isfinite(factor) || factor < kMinUpscale || factor > kMaxUpscale)
        return Status::error("the upscale factor " + factorText(factor) + " is outside [" +
                             factorText(kMinUpscale) + ", " + factorText(kMaxUpscale) + "]");
    if (!std::isfinite(strength) || strength <= 0.f || strength > 1.f)
        return Status::error("the upscale strength " + factorText(strength) + " is outside (0, 1]");
    if (result.width != made.width || result.height != made.height ||
        result.pixels.size() != std::size_t(result.width) * std::size_t(result.height) * 3)
        return Status::error("the image to upscale is " + sizeText(result.width, result.height) +
                             " but the request that made it is " +
                             sizeText(made.width, made.height));
    const int width = upscaledSide(made.width, factor);
    const int height = upscaledSide(made.height, factor);
    if (width > kMaxCanvasSize || height > kMaxCanvasSize)
        return Status::error("upscaling " + sizeText(made.width, made.height) + " by " +
                             factorText(factor) + " gives " + sizeText(width, height) +
                             "; the largest canvas side is " + std::to_string(kMaxCanvasSize));
    const double sx = double(width) / made.width;
    const double sy = double(height) / made.height;

    GenerateRequest r = made;
    r.width = width;
    r.height = height;
    r.initImage = resizeLanczos(result, width, height);
    r.strength = strength;
    r.rerollMask = MaskImage();
    r.featherPx = std::min(float(kMaxFeatherPx), float(made.featherPx * (sx + sy) / 2.0));
    for (Region& region : r.regions) {
        if (region.box) {
            Box& b = *region.box;
            std::tie(b.x, b.width) = scaleSpan(b.x, b.width, sx, width);
            std::tie(b.y, b.height) = scaleSpan(b.y, b.height, sy, height);
        } else if (!region.mask.empty()) {
            if (region.mask.values.size() !=
                std::size_t(region.mask.width) * std::size_t(region.mask.height))
                return Status::error("a region mask holds the wrong number of values");
            region.mask = resizeMask(region.mask, width, height);
        }
    }
    return r;
}

} // namespace md

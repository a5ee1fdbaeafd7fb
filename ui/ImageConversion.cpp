#include "ui/ImageConversion.h"

#include <algorithm>
#include <cstring>

namespace md {

QImage toQImage(const RgbImage& image)
{
    if (image.empty() || image.pixels.size() < size_t(image.width) * image.height * 3)
        return {};
    QImage out(image.width, image.height, QImage::Format_RGB888);
    for (int y = 0; y < image.height; ++y)
        std::memcpy(out.scanLine(y), image.pixels.data() + size_t(y) * image.width * 3,
                    size_t(image.width) * 3);
    return out;
}

RgbImage toRgbImage(const QImage& image)
{
    RgbImage out;
    if (image.isNull())
        return out;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    out.width = rgb.width();
    out.height = rgb.height();
    out.pixels.resize(size_t(out.width) * out.height * 3);
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * out.width * 3, rgb.constScanLine(y),
                    size_t(out.width) * 3);
    return out;
}

QImage maskToGray(const MaskImage& mask)
{
    if (mask.empty())
        return {};
    QImage out(mask.width, mask.height, QImage::Format_Grayscale8);
    for (int y = 0; y < mask.height; ++y) {
        uchar* line = out.scanLine(y);
        const float* src = mask.values.data() + size_t(y) * mask.width;
        for (int x = 0; x < mask.width; ++x)
            line[x] = uchar(std::clamp(src[x], 0.f, 1.f) * 255.f + 0.5f);
    }
    return out;
}

static bool hasTransparency(const QImage& image)
{
    if (!image.hasAlphaChannel())
        return false;
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < argb.height(); ++y) {
        const QRgb* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x)
            if (qAlpha(line[x]) != 255)
                return true;
    }
    return false;
}

MaskImage maskFromImage(const QImage& image, int width, int height)
{
    MaskImage mask;
    if (image.isNull() || width <= 0 || height <= 0)
        return mask;
    QImage src = image;
    if (src.width() != width || src.height() != height)
        src = src.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const bool useAlpha = hasTransparency(src);
    const QImage argb = src.convertToFormat(QImage::Format_ARGB32);
    mask.width = width;
    mask.height = height;
    mask.values.resize(size_t(width) * height);
    for (int y = 0; y < height; ++y) {
        const QRgb* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        float* dst = mask.values.data() + size_t(y) * width;
        for (int x = 0; x < width; ++x)
            dst[x] = (useAlpha ? qAlpha(line[x]) : qGray(line[x])) / 255.f;
    }
    return mask;
}

void paintMaskOverlay(const MaskImage& mask, const QColor& colour, const QRect& rect,
                      QImage& overlay)
{
    const QRect r =
        rect.intersected(QRect(0, 0, mask.width, mask.height)).intersected(overlay.rect());
    const int red = colour.red(), green = colour.green(), blue = colour.blue();
    for (int y = r.top(); y <= r.bottom(); ++y) {
        QRgb* line = reinterpret_cast<QRgb*>(overlay.scanLine(y));
        const float* src = mask.values.data() + size_t(y) * mask.width;
        for (int x = r.left(); x <= r.right(); ++x) {
            const int a = int(std::clamp(src[x], 0.f, 1.f) * 255.f + 0.5f);
            line[x] = qRgba(red * a / 255, green * a / 255, blue * a / 255, a);
        }
    }
}

void paintMaskEdges(const MaskImage& mask, const QColor& colour, const QRect& rect, QImage& edges)
{
    const QRect r =
        rect.intersected(QRect(0, 0, mask.width, mask.height)).intersected(edges.rect());
    const QRgb on = qPremultiply(qRgba(colour.red(), colour.green(), colour.blue(), 235));
    const int w = mask.width, h = mask.height;
    const auto inside = [&](int x, int y) { return mask.values[size_t(y) * w + x] >= 0.5f; };
    for (int y = r.top(); y <= r.bottom(); ++y) {
        QRgb* line = reinterpret_cast<QRgb*>(edges.scanLine(y));
        for (int x = r.left(); x <= r.right(); ++x) {
            const bool in = inside(x, y);
            const bool edge =
                (x > 0 && inside(x - 1, y) != in) || (x < w - 1 && inside(x + 1, y) != in) ||
                (y > 0 && inside(x, y - 1) != in) || (y < h - 1 && inside(x, y + 1) != in);
            line[x] = edge ? on : 0;
        }
    }
}

} // namespace md

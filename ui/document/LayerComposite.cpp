#include "ui/document/LayerComposite.h"

#include "ui/ImageConversion.h"

#include <QPainter>
#include <algorithm>

namespace md {

QImage paintLayerView(const PaintLayer& layer)
{
    const RgbaImage& p = layer.pixels;
    if (p.empty() || p.pixels.size() != size_t(p.width) * p.height * 4)
        return {};
    return QImage(p.pixels.data(), p.width, p.height, p.width * 4, QImage::Format_RGBA8888);
}

QColor composedColourAt(const Project& project, const QImage& base, QPoint pos)
{
    if (!QRect(0, 0, project.width, project.height).contains(pos))
        return {};
    double r = 1.0, g = 1.0, b = 1.0;
    if (!base.isNull()) {
        const QColor c = base.pixelColor(pos.x() * base.width() / project.width,
                                         pos.y() * base.height() / project.height);
        r = c.redF();
        g = c.greenF();
        b = c.blueF();
    }
    for (const PaintLayer& layer : project.paintLayers) {
        const RgbaImage& p = layer.pixels;
        if (!layer.visible || p.width != project.width || p.height != project.height)
            continue;
        const std::uint8_t* px = p.pixels.data() + (size_t(pos.y()) * p.width + pos.x()) * 4;
        const double a = px[3] / 255.0 * layer.opacity;
        r = r * (1 - a) + px[0] / 255.0 * a;
        g = g * (1 - a) + px[1] / 255.0 * a;
        b = b * (1 - a) + px[2] / 255.0 * a;
    }
    return QColor::fromRgbF(float(r), float(g), float(b));
}

namespace {
RgbaImage fromQImage(const QImage& image)
{
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    RgbaImage out;
    out.width = rgba.width();
    out.height = rgba.height();
    out.pixels.resize(size_t(out.width) * out.height * 4);
    for (int y = 0; y < out.height; ++y)
        std::copy_n(rgba.constScanLine(y), size_t(out.width) * 4,
                    out.pixels.begin() + ptrdiff_t(size_t(y) * out.width * 4));
    return out;
}

RgbaImage transparent(int width, int height)
{
    RgbaImage out;
    out.width = width;
    out.height = height;
    out.pixels.assign(size_t(width) * height * 4, 0);
    return out;
}
} // namespace

RgbaImage scaledRgba(const RgbaImage& image, int width, int height)
{
    PaintLayer layer;
    layer.pixels = image;
    const QImage view = paintLayerView(layer);
    if (view.isNull())
        return transparent(width, height);
    // Premultiplied while scaling, so transparent pixels lend no colour to the edges.
    return fromQImage(view.convertToFormat(QImage::Format_RGBA8888_Premultiplied)
                          .scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
}

RgbaImage anchoredRgba(const RgbaImage& image, int width, int height, int dx, int dy)
{
    RgbaImage out = transparent(width, height);
    const int x0 = std::max(0, dx), x1 = std::min(width, dx + image.width);
    if (x1 <= x0 || image.pixels.size() != size_t(image.width) * image.height * 4)
        return out;
    for (int y = std::max(0, dy); y < std::min(height, dy + image.height); ++y)
        std::copy_n(image.pixels.begin() +
                        ptrdiff_t((size_t(y - dy) * image.width + size_t(x0 - dx)) * 4),
                    size_t(x1 - x0) * 4,
                    out.pixels.begin() + ptrdiff_t((size_t(y) * width + size_t(x0)) * 4));
    return out;
}

RgbaImage fitToCanvas(const QImage& image, int width, int height)
{
    QImage out(width, height, QImage::Format_RGBA8888);
    out.fill(Qt::transparent);
    if (!image.isNull()) {
        const QSize size = image.size().scaled(width, height, Qt::KeepAspectRatio);
        const QRect target(QPoint((width - size.width()) / 2, (height - size.height()) / 2), size);
        QPainter painter(&out);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(target, image, image.rect());
    }
    RgbaImage rgba;
    rgba.width = width;
    rgba.height = height;
    rgba.pixels.resize(size_t(width) * height * 4);
    for (int y = 0; y < height; ++y)
        std::copy_n(out.constScanLine(y), size_t(width) * 4,
                    rgba.pixels.begin() + ptrdiff_t(size_t(y) * width * 4));
    return rgba;
}

} // namespace md

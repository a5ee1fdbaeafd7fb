#include "ui/commands/CanvasSizeCommand.h"

#include "ui/ImageConversion.h"
#include "ui/document/LayerComposite.h"

#include <QImage>
#include <QObject>
#include <algorithm>
#include <cmath>

namespace md {

CanvasSizeCommand::CanvasSizeCommand(ProjectModel* model, const QString& text)
    : DocumentCommand(model, text)
{
}

CanvasSizeCommand::CanvasSizeCommand(ProjectModel* model, int width, int height,
                                     CanvasResize resize)
    : DocumentCommand(model, QObject::tr("Canvas size %1×%2").arg(width).arg(height)),
      m_resize(resize)
{
    const Project& p = model->project();
    m_beforeWidth = p.width;
    m_beforeHeight = p.height;
    m_afterWidth = width;
    m_afterHeight = height;
    m_before = geometry(p);
    m_after = resized(width, height);
    for (const PaintLayer& layer : p.paintLayers)
        m_layersBefore.push_back({layer.id, layer.pixels});
    m_layersAfter = resizedLayers(width, height);
}

std::vector<PaintPixels> CanvasSizeCommand::resizedLayers(int width, int height) const
{
    std::vector<PaintPixels> out = m_layersBefore;
    for (PaintPixels& l : out) {
        if (l.pixels.empty())
            continue;
        l.pixels =
            m_resize.mode == CanvasResize::Mode::Scale
                ? scaledRgba(l.pixels, width, height)
                : anchoredRgba(l.pixels, width, height, m_resize.offsetX(m_beforeWidth, width),
                               m_resize.offsetY(m_beforeHeight, height));
    }
    return out;
}

std::vector<RegionGeometry> CanvasSizeCommand::resized(int width, int height) const
{
    if (m_resize.mode == CanvasResize::Mode::Scale)
        return scaledGeometry(m_before, m_beforeWidth, m_beforeHeight, width, height);
    return anchoredGeometry(m_before, m_beforeWidth, m_beforeHeight, width, height, m_resize);
}

MaskImage CanvasSizeCommand::anchoredMask(const MaskImage& mask, int width, int height,
                                          const CanvasResize& anchor)
{
    MaskImage out = blankMask(width, height);
    const int dx = anchor.offsetX(mask.width, width);
    const int dy = anchor.offsetY(mask.height, height);
    const int x0 = std::max(0, dx), x1 = std::min(width, dx + mask.width);
    if (x1 <= x0)
        return out;
    for (int y = std::max(0, dy); y < std::min(height, dy + mask.height); ++y)
        std::copy_n(mask.values.begin() + (std::size_t(y - dy) * mask.width + (x0 - dx)), x1 - x0,
                    out.values.begin() + (std::size_t(y) * width + x0));
    return out;
}

std::vector<RegionGeometry> CanvasSizeCommand::anchoredGeometry(std::vector<RegionGeometry> out,
                                                                int fromWidth, int fromHeight,
                                                                int width, int height,
                                                                const CanvasResize& anchor)
{
    const int dx = anchor.offsetX(fromWidth, width);
    const int dy = anchor.offsetY(fromHeight, height);
    // A box keeps its pixels; cropped where it leaves the canvas, and when less than 8
    // pixels of it would remain, pushed back inside at the size that fits.
    const auto place = [](int& pos, int& size, int offset, int side) {
        const int lo = std::max(0, pos + offset), hi = std::min(side, pos + offset + size);
        if (hi - lo >= 8) {
            pos = lo;
            size = hi - lo;
            return;
        }
        size = std::min(size, side);
        pos = std::clamp(pos + offset, 0, side - size);
    };
    for (RegionGeometry& g : out) {
        if (!g.mask.empty())
            g.mask = anchoredMask(g.mask, width, height, anchor);
        place(g.box.x, g.box.width, dx, width);
        place(g.box.y, g.box.height, dy, height);
    }
    return out;
}

std::vector<RegionGeometry> CanvasSizeCommand::geometry(const Project& project)
{
    std::vector<RegionGeometry> out;
    for (const ProjectRegion& r : project.regions)
        out.push_back({r.id, r.mask, r.box});
    return out;
}

std::vector<RegionGeometry> CanvasSizeCommand::scaledGeometry(std::vector<RegionGeometry> out,
                                                              int fromWidth, int fromHeight,
                                                              int width, int height)
{
    if (width == fromWidth && height == fromHeight)
        return out;
    const double sx = double(width) / std::max(1, fromWidth);
    const double sy = double(height) / std::max(1, fromHeight);
    for (RegionGeometry& g : out) {
        if (!g.mask.empty()) {
            const QImage scaled = maskToGray(g.mask).scaled(width, height, Qt::IgnoreAspectRatio,
                                                            Qt::SmoothTransformation);
            g.mask = maskFromImage(scaled, width, height);
        }
        Box& b = g.box;
        b.width = std::clamp(int(std::lround(b.width * sx)), 8, width);
        b.height = std::clamp(int(std::lround(b.height * sy)), 8, height);
        b.x = std::clamp(int(std::lround(b.x * sx)), 0, width - b.width);
        b.y = std::clamp(int(std::lround(b.y * sy)), 0, height - b.height);
    }
    return out;
}

std::size_t CanvasSizeCommand::byteSize() const
{
    std::size_t bytes = sizeof(*this);
    for (const auto* list : {&m_before, &m_after})
        for (const RegionGeometry& g : *list)
            bytes += g.mask.values.size() * sizeof(float);
    for (const auto* list : {&m_layersBefore, &m_layersAfter})
        for (const PaintPixels& l : *list)
            bytes += l.pixels.pixels.size();
    return bytes;
}

DocumentCommand* CanvasSizeCommand::clone() const
{
    auto* copy = new CanvasSizeCommand(model(), text());
    copy->m_resize = m_resize;
    copy->m_beforeWidth = m_beforeWidth;
    copy->m_beforeHeight = m_beforeHeight;
    copy->m_afterWidth = m_afterWidth;
    copy->m_afterHeight = m_afterHeight;
    copy->m_before = m_before;
    copy->m_after = m_after;
    copy->m_layersBefore = m_layersBefore;
    copy->m_layersAfter = m_layersAfter;
    return copy;
}

bool CanvasSizeCommand::merge(const DocumentCommand* other)
{
    const auto* next = dynamic_cast<const CanvasSizeCommand*>(other);
    if (!next || !(next->m_resize == m_resize))
        return false;
    // `next` was applied from our result; redo it from the originals instead.
    m_afterWidth = next->m_afterWidth;
    m_afterHeight = next->m_afterHeight;
    m_after = resized(m_afterWidth, m_afterHeight);
    m_layersAfter = resizedLayers(m_afterWidth, m_afterHeight);
    setText(QObject::tr("Canvas size %1×%2").arg(m_afterWidth).arg(m_afterHeight));
    apply();
    return true;
}

void CanvasSizeCommand::apply()
{
    model()->setCanvas(m_afterWidth, m_afterHeight, m_after, m_layersAfter);
}

void CanvasSizeCommand::revert()
{
    model()->setCanvas(m_beforeWidth, m_beforeHeight, m_before, m_layersBefore);
}

} // namespace md

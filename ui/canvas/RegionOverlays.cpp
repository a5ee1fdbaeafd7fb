#include "ui/canvas/RegionOverlays.h"

#include "ui/ImageConversion.h"
#include "ui/document/ProjectModel.h"

namespace md {

namespace {
QColor toQColor(const Colour& c)
{
    return QColor(c.r, c.g, c.b);
}
} // namespace

const RegionOverlays::Overlay& RegionOverlays::get(std::uint32_t regionId)
{
    const ProjectRegion* region = m_model->region(regionId);
    auto it = m_cache.find(regionId);
    if (it != m_cache.end() && (!region || it->colour == toQColor(region->colour)))
        return *it;
    Overlay overlay;
    if (region && region->kind == RegionKind::Mask && !region->mask.empty()) {
        const QSize size(region->mask.width, region->mask.height);
        overlay.fill = QImage(size, QImage::Format_ARGB32_Premultiplied);
        overlay.edges = QImage(size, QImage::Format_ARGB32_Premultiplied);
        const QColor colour = toQColor(region->colour);
        overlay.colour = colour;
        paintMaskOverlay(region->mask, colour, overlay.fill.rect(), overlay.fill);
        paintMaskEdges(region->mask, colour, overlay.edges.rect(), overlay.edges);
    }
    return *m_cache.insert(regionId, overlay);
}

void RegionOverlays::update(std::uint32_t regionId, const QRect& rect)
{
    auto it = m_cache.find(regionId);
    if (it == m_cache.end())
        return; // built on next use
    const ProjectRegion* region = m_model->region(regionId);
    if (!region || it->fill.size() != QSize(region->mask.width, region->mask.height) ||
        it->colour != toQColor(region->colour)) {
        m_cache.erase(it);
        return;
    }
    const QColor colour = toQColor(region->colour);
    paintMaskOverlay(region->mask, colour, rect, it->fill);
    // A changed pixel can change whether its neighbours are on the outline.
    paintMaskEdges(region->mask, colour, rect.adjusted(-1, -1, 1, 1), it->edges);
}

} // namespace md

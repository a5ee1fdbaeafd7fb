#pragma once

// The canvas-sized overlay images of the painted regions, built on first use and updated
// in place as masks change: a fill (the region colour, alpha = mask) and an outline (the
// 50 % level), both premultiplied ARGB.

#include <QHash>
#include <QImage>
#include <QRect>
#include <cstdint>

namespace md {

class ProjectModel;

class RegionOverlays
{
public:
    struct Overlay
    {
        QImage fill;
        QImage edges;
        QColor colour; // the colour they were painted in
    };

    explicit RegionOverlays(const ProjectModel* model) : m_model(model) {}

    // Empty images for box regions and regions without a mask. Rebuilt when the region's
    // colour changed since they were painted.
    const Overlay& get(std::uint32_t regionId);
    // Repaints `rect` of a cached overlay (or drops it if it no longer fits the mask).
    void update(std::uint32_t regionId, const QRect& rect);
    void invalidate(std::uint32_t regionId) { m_cache.remove(regionId); }
    void clear() { m_cache.clear(); }

private:
    const ProjectModel* m_model;
    QHash<std::uint32_t, Overlay> m_cache;
};

} // namespace md

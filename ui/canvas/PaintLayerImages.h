#pragma once

// The paint layers as premultiplied ARGB images for drawing, built on first use and updated
// in place as strokes change them (drawing the straight-alpha pixels directly would convert
// the whole layer on every repaint of a stroke).

#include <QHash>
#include <QImage>
#include <QRect>
#include <cstdint>

namespace md {

class ProjectModel;

class PaintLayerImages
{
public:
    explicit PaintLayerImages(const ProjectModel* model) : m_model(model) {}

    // Null for a layer without pixels.
    const QImage& get(std::uint32_t layerId);
    // Converts `rect` of a cached image again (or drops it if it no longer fits the layer).
    void update(std::uint32_t layerId, const QRect& rect);
    void clear() { m_cache.clear(); }

private:
    const ProjectModel* m_model;
    QHash<std::uint32_t, QImage> m_cache;
};

} // namespace md

#include "ui/canvas/PaintLayerImages.h"

#include "ui/document/LayerComposite.h"
#include "ui/document/ProjectModel.h"

#include <cstring>

namespace md {

const QImage& PaintLayerImages::get(std::uint32_t layerId)
{
    static const QImage none;
    const PaintLayer* layer = m_model->paintLayer(layerId);
    if (!layer)
        return none;
    auto it = m_cache.find(layerId);
    if (it != m_cache.end() && it->width() == layer->pixels.width &&
        it->height() == layer->pixels.height)
        return *it;
    const QImage view = paintLayerView(*layer);
    return *m_cache.insert(
        layerId,
        view.isNull() ? QImage() : view.convertToFormat(QImage::Format_ARGB32_Premultiplied));
}

void PaintLayerImages::update(std::uint32_t layerId, const QRect& rect)
{
    auto it = m_cache.find(layerId);
    if (it == m_cache.end())
        return;
    const PaintLayer* layer = m_model->paintLayer(layerId);
    if (!layer || it->size() != QSize(layer->pixels.width, layer->pixels.height)) {
        m_cache.erase(it);
        return;
    }
    const QRect r = rect.intersected(it->rect());
    if (r.isEmpty())
        return;
    const QImage part =
        paintLayerView(*layer).copy(r).convertToFormat(QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < r.height(); ++y)
        std::memcpy(it->scanLine(r.y() + y) + size_t(r.x()) * 4, part.constScanLine(y),
                    size_t(r.width()) * 4);
}

} // namespace md

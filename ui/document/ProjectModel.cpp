#include "ui/document/ProjectModel.h"

#include "ui/document/LayerComposite.h"

#include <algorithm>
#include <cstring>

namespace md {

ProjectModel::ProjectModel(QObject* parent) : QObject(parent) {}

void ProjectModel::reset(Project project)
{
    m_project = std::move(project);
    Q_EMIT projectReset();
}

int ProjectModel::indexOf(std::uint32_t regionId) const
{
    for (size_t i = 0; i < m_project.regions.size(); ++i)
        if (m_project.regions[i].id == regionId)
            return int(i);
    return -1;
}

const ProjectRegion* ProjectModel::region(std::uint32_t regionId) const
{
    return findRegion(m_project, regionId);
}

ProjectRegion* ProjectModel::find(std::uint32_t regionId)
{
    return findRegion(m_project, regionId);
}

RegionProperties ProjectModel::properties(std::uint32_t regionId) const
{
    const ProjectRegion* r = region(regionId);
    if (!r)
        return {};
    return {r->name, r->colour, r->prompt, r->negative, r->strength, r->visible};
}

void ProjectModel::setProperties(std::uint32_t regionId, const RegionProperties& p)
{
    ProjectRegion* r = find(regionId);
    if (!r)
        return;
    r->name = p.name;
    r->colour = p.colour;
    r->prompt = p.prompt;
    r->negative = p.negative;
    r->strength = p.strength;
    r->visible = p.visible;
    Q_EMIT regionChanged(regionId);
}

void ProjectModel::insertRegion(int index, ProjectRegion region)
{
    index = std::clamp(index, 0, int(m_project.regions.size()));
    m_project.regions.insert(m_project.regions.begin() + index, std::move(region));
    Q_EMIT regionsChanged();
}

ProjectRegion ProjectModel::takeRegion(int index)
{
    ProjectRegion region = std::move(m_project.regions.at(size_t(index)));
    m_project.regions.erase(m_project.regions.begin() + index);
    Q_EMIT regionsChanged();
    return region;
}

void ProjectModel::moveRegion(int from, int to)
{
    auto& regions = m_project.regions;
    if (from < 0 || to < 0 || from >= int(regions.size()) || to >= int(regions.size()) ||
        from == to)
        return;
    ProjectRegion region = std::move(regions[size_t(from)]);
    regions.erase(regions.begin() + from);
    regions.insert(regions.begin() + to, std::move(region));
    Q_EMIT regionsChanged();
}

void ProjectModel::setBox(std::uint32_t regionId, const Box& box)
{
    ProjectRegion* r = find(regionId);
    if (!r)
        return;
    r->box = box;
    Q_EMIT boxChanged(regionId);
}

void ProjectModel::setBackground(const std::string& prompt, const std::string& negative)
{
    m_project.prompt = prompt;
    m_project.negative = negative;
    Q_EMIT backgroundChanged();
}

void ProjectModel::setCanvas(int width, int height, const std::vector<RegionGeometry>& geometry,
                             const std::vector<PaintPixels>& layers)
{
    for (const PaintPixels& l : layers) {
        const int i = paintLayerIndex(l.id);
        if (i >= 0)
            m_project.paintLayers[size_t(i)].pixels = l.pixels;
    }
    m_project.width = width;
    m_project.height = height;
    for (const RegionGeometry& g : geometry) {
        if (ProjectRegion* r = find(g.id)) {
            r->mask = g.mask;
            r->box = g.box;
        }
    }
    Q_EMIT canvasChanged();
    Q_EMIT regionsChanged();
    if (!layers.empty())
        Q_EMIT paintLayersChanged();
}

ProjectLayout ProjectModel::layout() const
{
    return {m_project.width, m_project.height, m_project.prompt, m_project.negative,
            m_project.regions};
}

void ProjectModel::setLayout(const ProjectLayout& layout)
{
    const bool resized = layout.width != m_project.width || layout.height != m_project.height;
    m_project.width = layout.width;
    m_project.height = layout.height;
    m_project.prompt = layout.prompt;
    m_project.negative = layout.negative;
    m_project.regions = layout.regions;
    if (resized)
        Q_EMIT canvasChanged();
    Q_EMIT backgroundChanged();
    Q_EMIT regionsChanged();
}

void ProjectModel::setSettings(const GenerationSettings& settings)
{
    m_project.settings = settings;
    Q_EMIT settingsChanged();
}

void ProjectModel::setModel(const ModelReference& model)
{
    m_project.model = model;
    Q_EMIT modelChanged();
}

void ProjectModel::addResult(ProjectResult result)
{
    m_project.results.push_back(std::move(result));
    Q_EMIT resultsChanged();
}

void ProjectModel::removeResult(std::uint32_t resultId)
{
    auto& results = m_project.results;
    results.erase(std::remove_if(results.begin(), results.end(),
                                 [&](const ProjectResult& r) { return r.id == resultId; }),
                  results.end());
    Q_EMIT resultsChanged();
}

MaskImage* ProjectModel::mutableMask(std::uint32_t regionId)
{
    ProjectRegion* r = find(regionId);
    if (!r || r->kind != RegionKind::Mask)
        return nullptr;
    if (r->mask.width != m_project.width || r->mask.height != m_project.height)
        r->mask = blankMask(m_project.width, m_project.height);
    return &r->mask;
}

void ProjectModel::maskEdited(std::uint32_t regionId, const QRect& rect)
{
    Q_EMIT maskChanged(regionId, rect);
}

void ProjectModel::writeMask(std::uint32_t regionId, const QRect& rect,
                             const std::vector<float>& values)
{
    MaskImage* mask = mutableMask(regionId);
    if (!mask || rect.isEmpty() || values.size() != size_t(rect.width()) * rect.height() ||
        !QRect(0, 0, mask->width, mask->height).contains(rect))
        return;
    for (int y = 0; y < rect.height(); ++y)
        std::memcpy(mask->values.data() + size_t(rect.y() + y) * mask->width + rect.x(),
                    values.data() + size_t(y) * rect.width(), sizeof(float) * rect.width());
    Q_EMIT maskChanged(regionId, rect);
}

std::vector<float> ProjectModel::readMask(std::uint32_t regionId, const QRect& rect) const
{
    const ProjectRegion* r = region(regionId);
    std::vector<float> out(size_t(std::max(0, rect.width())) * std::max(0, rect.height()), 0.f);
    if (!r || r->mask.empty() || rect.isEmpty() ||
        !QRect(0, 0, r->mask.width, r->mask.height).contains(rect))
        return out;
    const MaskImage& mask = r->mask;
    for (int y = 0; y < rect.height(); ++y)
        std::memcpy(out.data() + size_t(y) * rect.width(),
                    mask.values.data() + size_t(rect.y() + y) * mask.width + rect.x(),
                    sizeof(float) * rect.width());
    return out;
}

} // namespace md

namespace md {

void ProjectModel::setRegionSeed(std::uint32_t regionId, std::optional<std::uint64_t> seed)
{
    if (ProjectRegion* r = find(regionId)) {
        r->seed = seed;
        Q_EMIT regionChanged(regionId);
    }
}

int ProjectModel::paintLayerIndex(std::uint32_t layerId) const
{
    for (size_t i = 0; i < m_project.paintLayers.size(); ++i)
        if (m_project.paintLayers[i].id == layerId)
            return int(i);
    return -1;
}

const PaintLayer* ProjectModel::paintLayer(std::uint32_t layerId) const
{
    const int i = paintLayerIndex(layerId);
    return i < 0 ? nullptr : &m_project.paintLayers[size_t(i)];
}

void ProjectModel::insertPaintLayer(int index, PaintLayer layer)
{
    auto& layers = m_project.paintLayers;
    index = std::clamp(index, 0, int(layers.size()));
    layers.insert(layers.begin() + index, std::move(layer));
    Q_EMIT paintLayersChanged();
}

PaintLayer ProjectModel::takePaintLayer(int index)
{
    auto& layers = m_project.paintLayers;
    PaintLayer layer = std::move(layers.at(size_t(index)));
    layers.erase(layers.begin() + index);
    Q_EMIT paintLayersChanged();
    return layer;
}

void ProjectModel::setPaintLayerProperties(std::uint32_t layerId, const PaintLayer& properties)
{
    const int i = paintLayerIndex(layerId);
    if (i < 0)
        return;
    PaintLayer& layer = m_project.paintLayers[size_t(i)];
    layer.name = properties.name;
    layer.visible = properties.visible;
    layer.opacity = std::clamp(properties.opacity, 0.f, 1.f);
    Q_EMIT paintLayerChanged(layerId);
}

RgbaImage* ProjectModel::mutablePaint(std::uint32_t layerId)
{
    const int i = paintLayerIndex(layerId);
    if (i < 0)
        return nullptr;
    RgbaImage& pixels = m_project.paintLayers[size_t(i)].pixels;
    if (pixels.width != m_project.width || pixels.height != m_project.height)
        pixels = scaledRgba(pixels, m_project.width, m_project.height);
    return &pixels;
}

void ProjectModel::paintEdited(std::uint32_t layerId, const QRect& rect)
{
    Q_EMIT paintChanged(layerId, rect);
}

void ProjectModel::writePaint(std::uint32_t layerId, const QRect& rect,
                              const std::vector<std::uint8_t>& bytes)
{
    RgbaImage* image = mutablePaint(layerId);
    if (!image || rect.isEmpty() || bytes.size() != size_t(rect.width()) * rect.height() * 4 ||
        !QRect(0, 0, image->width, image->height).contains(rect))
        return;
    const size_t row = size_t(rect.width()) * 4;
    for (int y = 0; y < rect.height(); ++y)
        std::memcpy(image->pixels.data() + (size_t(rect.y() + y) * image->width + rect.x()) * 4,
                    bytes.data() + size_t(y) * row, row);
    Q_EMIT paintChanged(layerId, rect);
}

std::vector<std::uint8_t> ProjectModel::readPaint(std::uint32_t layerId, const QRect& rect) const
{
    const PaintLayer* layer = paintLayer(layerId);
    std::vector<std::uint8_t> out(
        size_t(std::max(0, rect.width())) * std::max(0, rect.height()) * 4, 0);
    if (!layer || layer->pixels.empty() || rect.isEmpty() ||
        !QRect(0, 0, layer->pixels.width, layer->pixels.height).contains(rect))
        return out;
    const RgbaImage& image = layer->pixels;
    const size_t row = size_t(rect.width()) * 4;
    for (int y = 0; y < rect.height(); ++y)
        std::memcpy(out.data() + size_t(y) * row,
                    image.pixels.data() + (size_t(rect.y() + y) * image.width + rect.x()) * 4, row);
    return out;
}

} // namespace md

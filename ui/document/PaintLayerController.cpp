#include "ui/document/PaintLayerController.h"

#include "ui/commands/PaintLayerCommand.h"
#include "ui/commands/PaintLayerPropertyCommand.h"
#include "ui/commands/PaintPatchCommand.h"
#include "ui/commands/StartImageCommand.h"
#include "ui/document/DocumentController.h"
#include "ui/document/UndoHistory.h"

#include <algorithm>

namespace md {

PaintLayerController::PaintLayerController(DocumentController* document)
    : QObject(document), m_document(document)
{
    ProjectModel* model = document->model();
    connect(model, &ProjectModel::paintLayersChanged, this,
            &PaintLayerController::ensureCurrentExists);
    connect(model, &ProjectModel::projectReset, this, [this] {
        const auto& layers = m_document->project().paintLayers;
        m_current = 0;
        setCurrentLayer(layers.empty() ? 0 : layers.back().id);
    });
}

const PaintLayer* PaintLayerController::currentLayer() const
{
    return m_document->model()->paintLayer(m_current);
}

void PaintLayerController::setCurrentLayer(std::uint32_t layerId)
{
    if (layerId != 0 && !m_document->model()->paintLayer(layerId))
        layerId = 0;
    if (layerId == m_current)
        return;
    m_current = layerId;
    Q_EMIT currentLayerChanged(layerId);
}

void PaintLayerController::ensureCurrentExists()
{
    const auto& layers = m_document->project().paintLayers;
    if (m_current != 0 && m_document->model()->paintLayer(m_current))
        return;
    m_current = 0;
    setCurrentLayer(layers.empty() ? 0 : layers.back().id);
    if (m_current == 0)
        Q_EMIT currentLayerChanged(0);
}

std::uint32_t PaintLayerController::nextLayerId() const
{
    std::uint32_t id = 0;
    for (const PaintLayer& layer : m_document->project().paintLayers)
        id = std::max(id, layer.id);
    return id + 1;
}

std::uint32_t PaintLayerController::addLayer()
{
    const Project& p = m_document->project();
    RgbaImage pixels;
    pixels.width = p.width;
    pixels.height = p.height;
    pixels.pixels.assign(size_t(p.width) * p.height * 4, 0);
    return addImageLayer(std::move(pixels), tr("Paint %1").arg(p.paintLayers.size() + 1),
                         tr("Add paint layer"));
}

std::uint32_t PaintLayerController::addImageLayer(RgbaImage pixels, const QString& name,
                                                  const QString& text)
{
    PaintLayer layer;
    layer.id = nextLayerId();
    layer.name = name.toStdString();
    layer.pixels = std::move(pixels);
    const std::uint32_t id = layer.id;
    const int index = int(m_document->project().paintLayers.size());
    m_document->undoStack()->pushCommand(new PaintLayerCommand(
        m_document->model(), PaintLayerCommand::Kind::Insert, index, std::move(layer), text));
    setCurrentLayer(id);
    return id;
}

void PaintLayerController::removeLayer(std::uint32_t layerId)
{
    const int index = m_document->model()->paintLayerIndex(layerId);
    if (index < 0)
        return;
    PaintLayer layer = *m_document->model()->paintLayer(layerId);
    m_document->undoStack()->pushCommand(
        new PaintLayerCommand(m_document->model(), PaintLayerCommand::Kind::Remove, index,
                              std::move(layer), tr("Remove paint layer")));
}

void PaintLayerController::editProperties(std::uint32_t layerId, const PaintLayer& after,
                                          const QString& text, bool merges)
{
    const PaintLayer* before = m_document->model()->paintLayer(layerId);
    if (!before)
        return;
    m_document->undoStack()->pushCommand(
        new PaintLayerPropertyCommand(m_document->model(), layerId, *before, after, text, merges));
}

void PaintLayerController::setVisible(std::uint32_t layerId, bool visible)
{
    const PaintLayer* layer = m_document->model()->paintLayer(layerId);
    if (!layer || layer->visible == visible)
        return;
    PaintLayer after;
    after.name = layer->name;
    after.opacity = layer->opacity;
    after.visible = visible;
    editProperties(layerId, after, visible ? tr("Show paint layer") : tr("Hide paint layer"),
                   false);
}

void PaintLayerController::setOpacity(std::uint32_t layerId, float opacity)
{
    const PaintLayer* layer = m_document->model()->paintLayer(layerId);
    opacity = std::clamp(opacity, 0.f, 1.f);
    if (!layer || layer->opacity == opacity)
        return;
    PaintLayer after;
    after.name = layer->name;
    after.visible = layer->visible;
    after.opacity = opacity;
    editProperties(layerId, after, tr("Paint layer opacity"), true);
}

void PaintLayerController::commitPaint(std::uint32_t layerId, const QRect& rect,
                                       std::vector<std::uint8_t> before, const QString& text)
{
    ProjectModel* model = m_document->model();
    if (rect.isEmpty() || !model->paintLayer(layerId))
        return;
    auto after = std::make_shared<const std::vector<std::uint8_t>>(model->readPaint(layerId, rect));
    auto old = std::make_shared<const std::vector<std::uint8_t>>(std::move(before));
    if (*after == *old)
        return;
    m_document->undoStack()->pushCommand(new PaintPatchCommand(model, layerId, rect, std::move(old),
                                                               std::move(after), text,
                                                               /*alreadyApplied=*/true));
}

void PaintLayerController::setStart(StartImage start)
{
    const GenerationSettings& before = m_document->project().settings;
    if (before.start == start)
        return;
    GenerationSettings after = before;
    after.start = start;
    m_document->undoStack()->pushCommand(
        new StartImageCommand(m_document->model(), before, after, tr("Start image"), false));
}

void PaintLayerController::setStrength(float strength)
{
    const GenerationSettings& before = m_document->project().settings;
    strength = std::clamp(strength, 0.05f, 1.f);
    if (before.strength == strength)
        return;
    GenerationSettings after = before;
    after.strength = strength;
    m_document->undoStack()->pushCommand(
        new StartImageCommand(m_document->model(), before, after, tr("Strength"), true));
}

} // namespace md

#include "ui/commands/PaintLayerPropertyCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

namespace {
PaintLayer propertiesOf(const PaintLayer& layer)
{
    PaintLayer p;
    p.id = layer.id;
    p.name = layer.name;
    p.visible = layer.visible;
    p.opacity = layer.opacity;
    return p;
}
} // namespace

PaintLayerPropertyCommand::PaintLayerPropertyCommand(ProjectModel* model, std::uint32_t layerId,
                                                     const PaintLayer& before,
                                                     const PaintLayer& after, const QString& text,
                                                     bool merges)
    : DocumentCommand(model, text), m_layerId(layerId), m_before(propertiesOf(before)),
      m_after(propertiesOf(after)), m_merges(merges)
{
}

DocumentCommand* PaintLayerPropertyCommand::clone() const
{
    return new PaintLayerPropertyCommand(model(), m_layerId, m_before, m_after, text(), false);
}

void PaintLayerPropertyCommand::apply()
{
    model()->setPaintLayerProperties(m_layerId, m_after);
}

void PaintLayerPropertyCommand::revert()
{
    model()->setPaintLayerProperties(m_layerId, m_before);
}

bool PaintLayerPropertyCommand::merge(const DocumentCommand* other)
{
    const auto* edit = dynamic_cast<const PaintLayerPropertyCommand*>(other);
    if (!edit || !edit->m_merges || edit->m_layerId != m_layerId || !continuesBurst(edit))
        return false;
    m_after = edit->m_after;
    return true;
}

} // namespace md

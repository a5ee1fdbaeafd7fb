#include "ui/commands/PaintLayerCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

PaintLayerCommand::PaintLayerCommand(ProjectModel* model, Kind kind, int index, PaintLayer layer,
                                     const QString& text)
    : DocumentCommand(model, text), m_kind(kind), m_index(index), m_layer(std::move(layer))
{
}

std::size_t PaintLayerCommand::byteSize() const
{
    return sizeof(*this) + m_layer.pixels.pixels.size() + m_layer.name.size();
}

DocumentCommand* PaintLayerCommand::clone() const
{
    return new PaintLayerCommand(model(), m_kind, m_index, m_layer, text());
}

void PaintLayerCommand::apply()
{
    m_kind == Kind::Insert ? insert() : remove();
}

void PaintLayerCommand::revert()
{
    m_kind == Kind::Insert ? remove() : insert();
}

void PaintLayerCommand::insert()
{
    model()->insertPaintLayer(m_index, m_layer);
    m_layer.pixels = {}; // the document holds the pixels now
}

void PaintLayerCommand::remove()
{
    const int index = model()->paintLayerIndex(m_layer.id);
    if (index >= 0)
        m_layer = model()->takePaintLayer(index); // keeps strokes made since, for the redo
}

} // namespace md

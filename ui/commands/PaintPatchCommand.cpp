#include "ui/commands/PaintPatchCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

PaintPatchCommand::PaintPatchCommand(ProjectModel* model, std::uint32_t layerId, const QRect& rect,
                                     Bytes before, Bytes after, const QString& text,
                                     bool alreadyApplied)
    : DocumentCommand(model, text, alreadyApplied), m_layerId(layerId), m_rect(rect),
      m_before(std::move(before)), m_after(std::move(after))
{
}

std::size_t PaintPatchCommand::byteSize() const
{
    return sizeof(*this) + m_before->size() + m_after->size();
}

DocumentCommand* PaintPatchCommand::clone() const
{
    return new PaintPatchCommand(model(), m_layerId, m_rect, m_before, m_after, text(), false);
}

void PaintPatchCommand::apply()
{
    model()->writePaint(m_layerId, m_rect, *m_after);
}

void PaintPatchCommand::revert()
{
    model()->writePaint(m_layerId, m_rect, *m_before);
}

} // namespace md

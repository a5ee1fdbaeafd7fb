#include "ui/commands/MaskPatchCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

MaskPatchCommand::MaskPatchCommand(ProjectModel* model, std::uint32_t regionId, const QRect& rect,
                                   Pixels before, Pixels after, const QString& text,
                                   bool alreadyApplied)
    : DocumentCommand(model, text, alreadyApplied), m_regionId(regionId), m_rect(rect),
      m_before(std::move(before)), m_after(std::move(after))
{
}

std::size_t MaskPatchCommand::byteSize() const
{
    return sizeof(*this) + (m_before->size() + m_after->size()) * sizeof(float);
}

DocumentCommand* MaskPatchCommand::clone() const
{
    return new MaskPatchCommand(model(), m_regionId, m_rect, m_before, m_after, text(), false);
}

void MaskPatchCommand::apply()
{
    model()->writeMask(m_regionId, m_rect, *m_after);
}

void MaskPatchCommand::revert()
{
    model()->writeMask(m_regionId, m_rect, *m_before);
}

} // namespace md

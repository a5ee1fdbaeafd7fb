#include "ui/commands/MaskPatchCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

MaskPatchCommand::MaskPatchCommand(ProjectModel* model, std::uint32_t regionId, const QRect& rect,
                                   Pixels before, Pixels after, const QString& text,
                                   bool alreadyApplied)
    : RectPatchCommand(model, regionId, rect, std::move(before), std::move(after), text,
                       alreadyApplied)
{
}

DocumentCommand* MaskPatchCommand::clone() const
{
    return new MaskPatchCommand(model(), regionId(), rect(), before(), after(), text(), false);
}

void MaskPatchCommand::write(std::uint32_t regionId, const QRect& rect,
                             const std::vector<float>& values)
{
    model()->writeMask(regionId, rect, values);
}

} // namespace md

#include "ui/commands/PaintPatchCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

PaintPatchCommand::PaintPatchCommand(ProjectModel* model, std::uint32_t layerId, const QRect& rect,
                                     Bytes before, Bytes after, const QString& text,
                                     bool alreadyApplied)
    : RectPatchCommand(model, layerId, rect, std::move(before), std::move(after), text,
                       alreadyApplied)
{
}

DocumentCommand* PaintPatchCommand::clone() const
{
    return new PaintPatchCommand(model(), targetId(), rect(), before(), after(), text(), false);
}

void PaintPatchCommand::write(std::uint32_t layerId, const QRect& rect,
                              const std::vector<std::uint8_t>& values)
{
    model()->writePaint(layerId, rect, values);
}

} // namespace md

#pragma once

// A change to a rectangle of one paint layer (a stroke, an erase): only the rectangle's
// RGBA bytes before and after are kept.

#include "ui/commands/RectPatchCommand.h"

namespace md {

class PaintPatchCommand : public RectPatchCommand<std::uint8_t>
{
public:
    using Bytes = Values;

    PaintPatchCommand(ProjectModel* model, std::uint32_t layerId, const QRect& rect, Bytes before,
                      Bytes after, const QString& text, bool alreadyApplied);

    DocumentCommand* clone() const override;

protected:
    void write(std::uint32_t layerId, const QRect& rect,
               const std::vector<std::uint8_t>& values) override;
};

} // namespace md

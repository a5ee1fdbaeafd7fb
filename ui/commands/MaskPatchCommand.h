#pragma once

// A change to a rectangle of one region's mask (a stroke, a fill, a clear, an import):
// only the rectangle's pixels before and after are kept.

#include "ui/commands/RectPatchCommand.h"

namespace md {

class MaskPatchCommand : public RectPatchCommand<float>
{
public:
    using Pixels = Values;

    MaskPatchCommand(ProjectModel* model, std::uint32_t regionId, const QRect& rect, Pixels before,
                     Pixels after, const QString& text, bool alreadyApplied);

    DocumentCommand* clone() const override;
    std::uint32_t regionId() const { return targetId(); }

protected:
    void write(std::uint32_t regionId, const QRect& rect,
               const std::vector<float>& values) override;
};

} // namespace md

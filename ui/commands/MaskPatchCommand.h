#pragma once

// A change to a rectangle of one region's mask (a stroke, a fill, a clear, an import):
// only the rectangle's pixels before and after are kept.

#include "ui/commands/DocumentCommand.h"

#include <QRect>
#include <cstdint>
#include <memory>
#include <vector>

namespace md {

class MaskPatchCommand : public DocumentCommand
{
public:
    using Pixels = std::shared_ptr<const std::vector<float>>;

    MaskPatchCommand(ProjectModel* model, std::uint32_t regionId, const QRect& rect, Pixels before,
                     Pixels after, const QString& text, bool alreadyApplied);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;
    std::uint32_t regionId() const { return m_regionId; }
    QRect rect() const { return m_rect; }

protected:
    void apply() override;
    void revert() override;

private:
    std::uint32_t m_regionId;
    QRect m_rect;
    Pixels m_before;
    Pixels m_after;
};

} // namespace md

#pragma once

// A change to a rectangle of one paint layer (a stroke, an erase): only the rectangle's
// RGBA bytes before and after are kept.

#include "ui/commands/DocumentCommand.h"

#include <QRect>
#include <cstdint>
#include <memory>
#include <vector>

namespace md {

class PaintPatchCommand : public DocumentCommand
{
public:
    using Bytes = std::shared_ptr<const std::vector<std::uint8_t>>;

    PaintPatchCommand(ProjectModel* model, std::uint32_t layerId, const QRect& rect, Bytes before,
                      Bytes after, const QString& text, bool alreadyApplied);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;
    QRect rect() const { return m_rect; }

protected:
    void apply() override;
    void revert() override;

private:
    std::uint32_t m_layerId;
    QRect m_rect;
    Bytes m_before;
    Bytes m_after;
};

} // namespace md

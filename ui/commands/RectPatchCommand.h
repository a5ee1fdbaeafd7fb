#pragma once

// A change to a rectangle of one of the document's pixel planes (a region's mask, a paint
// layer): only the rectangle's values before and after are kept. The subclass says where
// they are written (write()) and how the command is copied (clone()).

#include "ui/commands/DocumentCommand.h"

#include <QRect>
#include <cstdint>
#include <memory>
#include <vector>

namespace md {

template <typename T> class RectPatchCommand : public DocumentCommand
{
public:
    using Values = std::shared_ptr<const std::vector<T>>;

    std::size_t byteSize() const override
    {
        return sizeof(*this) + (m_before->size() + m_after->size()) * sizeof(T);
    }
    QRect rect() const { return m_rect; }

protected:
    // `targetId`: the region or layer whose rectangle `rect` the values cover.
    RectPatchCommand(ProjectModel* model, std::uint32_t targetId, const QRect& rect, Values before,
                     Values after, const QString& text, bool alreadyApplied)
        : DocumentCommand(model, text, alreadyApplied), m_targetId(targetId), m_rect(rect),
          m_before(std::move(before)), m_after(std::move(after))
    {
    }

    // Writes `values` into the target's rectangle.
    virtual void write(std::uint32_t targetId, const QRect& rect, const std::vector<T>& values) = 0;

    void apply() override { write(m_targetId, m_rect, *m_after); }
    void revert() override { write(m_targetId, m_rect, *m_before); }

    std::uint32_t targetId() const { return m_targetId; }
    const Values& before() const { return m_before; }
    const Values& after() const { return m_after; }

private:
    std::uint32_t m_targetId;
    QRect m_rect;
    Values m_before;
    Values m_after;
};

} // namespace md

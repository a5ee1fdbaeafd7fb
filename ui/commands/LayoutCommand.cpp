#include "ui/commands/LayoutCommand.h"

namespace md {

LayoutCommand::LayoutCommand(ProjectModel* model, ProjectLayout after, const QString& text)
    : DocumentCommand(model, text), m_before(model->layout()), m_after(std::move(after))
{
}

std::size_t LayoutCommand::byteSize() const
{
    std::size_t bytes = sizeof(*this);
    for (const ProjectLayout* layout : {&m_before, &m_after})
        for (const ProjectRegion& r : layout->regions)
            bytes += sizeof(r) + r.mask.values.size() * sizeof(float) + r.prompt.size() +
                     r.negative.size();
    return bytes;
}

DocumentCommand* LayoutCommand::clone() const
{
    auto* copy = new LayoutCommand(model(), m_after, text());
    copy->m_before = m_before;
    return copy;
}

void LayoutCommand::apply()
{
    model()->setLayout(m_after);
}

void LayoutCommand::revert()
{
    model()->setLayout(m_before);
}

} // namespace md

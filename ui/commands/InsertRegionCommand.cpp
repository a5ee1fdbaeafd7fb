#include "ui/commands/InsertRegionCommand.h"

#include "ui/document/ProjectModel.h"

namespace md {

InsertRegionCommand::InsertRegionCommand(ProjectModel* model, int index, ProjectRegion region,
                                         const QString& text)
    : DocumentCommand(model, text), m_index(index), m_region(std::move(region))
{
}

std::size_t InsertRegionCommand::byteSize() const
{
    return sizeof(*this) + m_region.mask.values.size() * sizeof(float) + m_region.prompt.size();
}

DocumentCommand* InsertRegionCommand::clone() const
{
    return new InsertRegionCommand(model(), m_index, m_region, text());
}

void InsertRegionCommand::apply()
{
    model()->insertRegion(m_index, m_region);
}

void InsertRegionCommand::revert()
{
    const int index = model()->indexOf(m_region.id);
    if (index >= 0)
        m_region = model()->takeRegion(index); // keeps edits made since, for the redo
}

} // namespace md

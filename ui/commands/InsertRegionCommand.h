#pragma once

// Adds a region (new, duplicated or imported) at a position in the drawing order.

#include "document/Project.h"
#include "ui/commands/DocumentCommand.h"

namespace md {

class InsertRegionCommand : public DocumentCommand
{
public:
    InsertRegionCommand(ProjectModel* model, int index, ProjectRegion region, const QString& text);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;

private:
    int m_index;
    ProjectRegion m_region;
};

} // namespace md

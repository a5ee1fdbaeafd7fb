#pragma once

// Removes a region; undo puts it back where it was, mask included.

#include "document/Project.h"
#include "ui/commands/DocumentCommand.h"

#include <cstdint>

namespace md {

class RemoveRegionCommand : public DocumentCommand
{
public:
    RemoveRegionCommand(ProjectModel* model, std::uint32_t regionId);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;

private:
    std::uint32_t m_regionId;
    int m_index = -1;
    ProjectRegion m_region; // held while removed
};

} // namespace md

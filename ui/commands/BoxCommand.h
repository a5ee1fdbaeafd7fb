#pragma once

// Moves or resizes a box region. The steps of one drag share a drag serial and merge into
// one undo step.

#include "engine/EngineTypes.h"
#include "ui/commands/DocumentCommand.h"

#include <cstdint>

namespace md {

class BoxCommand : public DocumentCommand
{
public:
    BoxCommand(ProjectModel* model, std::uint32_t regionId, const Box& before, const Box& after,
               int dragSerial);

    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return MergeBox; }
    bool merge(const DocumentCommand* other) override;

private:
    std::uint32_t m_regionId;
    Box m_before;
    Box m_after;
    int m_dragSerial;
};

} // namespace md

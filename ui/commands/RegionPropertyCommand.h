#pragma once

// Changes a region's name, colour, prompts, strength or visibility. Consecutive edits of
// the same field of the same region (typing a prompt) merge into one undo step.

#include "ui/commands/DocumentCommand.h"
#include "ui/document/ProjectModel.h"

#include <cstdint>

namespace md {

class RegionPropertyCommand : public DocumentCommand
{
public:
    // mergeKey: 0 never merges; otherwise edits with the same key and region merge.
    RegionPropertyCommand(ProjectModel* model, std::uint32_t regionId,
                          const RegionProperties& before, const RegionProperties& after,
                          const QString& text, int mergeKey);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

    std::uint32_t regionId() const { return m_regionId; }
    int mergeKey() const { return m_mergeKey; }
    const RegionProperties& before() const { return m_before; }

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return MergeProperty; }
    bool merge(const DocumentCommand* other) override;

private:
    std::uint32_t m_regionId;
    RegionProperties m_before;
    RegionProperties m_after;
    int m_mergeKey;
};

} // namespace md

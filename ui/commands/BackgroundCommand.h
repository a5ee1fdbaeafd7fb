#pragma once

// Edits the background prompt or its negative; typing merges into one undo step per field.

#include "ui/commands/DocumentCommand.h"

#include <string>

namespace md {

class BackgroundCommand : public DocumentCommand
{
public:
    struct Prompts
    {
        std::string prompt;
        std::string negative;
    };
    // mergeKey: 0 never merges; edits with the same non-zero key merge.
    BackgroundCommand(ProjectModel* model, Prompts before, Prompts after, int mergeKey);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return MergeBackground; }
    bool merge(const DocumentCommand* other) override;

private:
    Prompts m_before;
    Prompts m_after;
    int m_mergeKey;
};

} // namespace md

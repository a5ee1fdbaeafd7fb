#pragma once

// What the next generation starts from (GenerationSettings::start) and its strength: an
// undoable edit, unlike the other settings. Strength drags in one burst merge into one step.

#include "document/Project.h"
#include "ui/commands/DocumentCommand.h"

namespace md {

class StartImageCommand : public DocumentCommand
{
public:
    StartImageCommand(ProjectModel* model, const GenerationSettings& before,
                      const GenerationSettings& after, const QString& text, bool merges);

    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return m_merges ? MergeStartImage : -1; }
    bool merge(const DocumentCommand* other) override;

private:
    GenerationSettings m_before;
    GenerationSettings m_after;
    bool m_merges;
};

} // namespace md

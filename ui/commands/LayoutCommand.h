#pragma once

// Replaces the canvas size, the background prompts and every region at once: a result's
// "Use settings" bringing back the layout that made it, as one undo step.

#include "ui/commands/DocumentCommand.h"
#include "ui/document/ProjectModel.h"

namespace md {

class LayoutCommand : public DocumentCommand
{
public:
    LayoutCommand(ProjectModel* model, ProjectLayout after, const QString& text);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

protected:
    void apply() override;
    void revert() override;

private:
    ProjectLayout m_before;
    ProjectLayout m_after;
};

} // namespace md

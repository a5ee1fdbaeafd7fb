#pragma once

// Changes the canvas size. Masks are rescaled and boxes scaled with the canvas, so the
// layout keeps its proportions; undo restores the exact previous masks and boxes.

#include "ui/commands/DocumentCommand.h"
#include "ui/document/ProjectModel.h"

#include <vector>

namespace md {

class CanvasSizeCommand : public DocumentCommand
{
public:
    CanvasSizeCommand(ProjectModel* model, int width, int height);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

    static std::vector<RegionGeometry> geometry(const Project& project);
    // The masks and boxes of `project` rescaled to width x height.
    static std::vector<RegionGeometry> scaledGeometry(const Project& project, int width,
                                                      int height);

protected:
    void apply() override;
    void revert() override;

private:
    CanvasSizeCommand(ProjectModel* model, const QString& text);

    int m_beforeWidth = 0, m_beforeHeight = 0, m_afterWidth = 0, m_afterHeight = 0;
    std::vector<RegionGeometry> m_before;
    std::vector<RegionGeometry> m_after;
};

} // namespace md

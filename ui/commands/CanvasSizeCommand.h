#pragma once

// Changes the canvas size. Masks are rescaled and boxes scaled with the canvas, so the
// layout keeps its proportions; undo restores the exact previous masks and boxes.
// Consecutive size changes (clicking a size arrow) merge into one step, and the masks are
// always scaled from the originals, so stepping through sizes does not blur them.

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
    // Masks and boxes of a fromWidth x fromHeight canvas rescaled to toWidth x toHeight.
    static std::vector<RegionGeometry> scaledGeometry(std::vector<RegionGeometry> geometry,
                                                      int fromWidth, int fromHeight, int toWidth,
                                                      int toHeight);

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return MergeCanvasSize; }
    bool merge(const DocumentCommand* other) override;

private:
    CanvasSizeCommand(ProjectModel* model, const QString& text);

    int m_beforeWidth = 0, m_beforeHeight = 0, m_afterWidth = 0, m_afterHeight = 0;
    std::vector<RegionGeometry> m_before;
    std::vector<RegionGeometry> m_after;
};

} // namespace md

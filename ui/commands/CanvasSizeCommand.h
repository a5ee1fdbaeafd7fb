#pragma once

// Changes the canvas size. Masks, boxes and paint layers are either scaled with the canvas (the
// layout keeps its proportions) or kept at their size around an anchor (extend or crop; new area
// empty): CanvasResize. Undo restores the exact previous masks and boxes. Consecutive size
// changes of one kind (clicking a size arrow) merge into one step, and the layout is always
// derived from the originals, so stepping through sizes neither blurs nor loses anything.

#include "ui/commands/DocumentCommand.h"
#include "ui/document/CanvasResize.h"
#include "ui/document/ProjectModel.h"

#include <vector>

namespace md {

class CanvasSizeCommand : public DocumentCommand
{
public:
    CanvasSizeCommand(ProjectModel* model, int width, int height, CanvasResize resize);

    std::size_t byteSize() const override;
    DocumentCommand* clone() const override;

    static std::vector<RegionGeometry> geometry(const Project& project);
    // Masks and boxes of a fromWidth x fromHeight canvas rescaled to toWidth x toHeight.
    static std::vector<RegionGeometry> scaledGeometry(std::vector<RegionGeometry> geometry,
                                                      int fromWidth, int fromHeight, int toWidth,
                                                      int toHeight);
    // The same, kept at their size with the old canvas at the anchor (extend or crop).
    static std::vector<RegionGeometry> anchoredGeometry(std::vector<RegionGeometry> geometry,
                                                        int fromWidth, int fromHeight, int toWidth,
                                                        int toHeight, const CanvasResize& anchor);
    // `mask` on a toWidth x toHeight canvas, pinned at the anchor; the rest empty.
    static MaskImage anchoredMask(const MaskImage& mask, int toWidth, int toHeight,
                                  const CanvasResize& anchor);

protected:
    void apply() override;
    void revert() override;
    int mergeId() const override { return MergeCanvasSize; }
    bool merge(const DocumentCommand* other) override;

private:
    CanvasSizeCommand(ProjectModel* model, const QString& text);

    std::vector<RegionGeometry> resized(int width, int height) const;
    std::vector<PaintPixels> resizedLayers(int width, int height) const;

    int m_beforeWidth = 0, m_beforeHeight = 0, m_afterWidth = 0, m_afterHeight = 0;
    CanvasResize m_resize;
    std::vector<RegionGeometry> m_before;
    std::vector<RegionGeometry> m_after;
    std::vector<PaintPixels> m_layersBefore;
    std::vector<PaintPixels> m_layersAfter;
};

} // namespace md

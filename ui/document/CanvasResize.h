#pragma once

// How masks and boxes follow a change of the canvas size: scaled with it (the layout keeps
// its proportions), or kept at their pixel size with the old canvas pinned at one of nine
// anchors (the canvas is extended or cropped around it; new area is empty, ready to be
// generated).

namespace md {

struct CanvasResize
{
    enum class Mode { Scale, Anchor };
    Mode mode = Mode::Anchor;
    int anchorX = 1; // 0: left, 1: centre, 2: right
    int anchorY = 1; // 0: top, 1: centre, 2: bottom

    static CanvasResize scale() { return {Mode::Scale, 1, 1}; }
    static CanvasResize anchored(int x, int y) { return {Mode::Anchor, x, y}; }
    // Where the old canvas's top-left corner lands on the new one.
    int offsetX(int fromWidth, int toWidth) const { return (toWidth - fromWidth) * anchorX / 2; }
    int offsetY(int fromHeight, int toHeight) const
    {
        return (toHeight - fromHeight) * anchorY / 2;
    }
};

inline bool operator==(const CanvasResize& a, const CanvasResize& b)
{
    return a.mode == b.mode && (a.mode == CanvasResize::Mode::Scale ||
                                (a.anchorX == b.anchorX && a.anchorY == b.anchorY));
}

} // namespace md

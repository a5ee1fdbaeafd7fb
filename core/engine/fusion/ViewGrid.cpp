#include "engine/fusion/ViewGrid.h"

#include <algorithm>

namespace md {

std::vector<int> ViewGrid::starts(int size, int window, int stride)
{
    std::vector<int> out;
    window = std::min(window, size);
    stride = std::max(stride, 1);
    if (window <= 0)
        return out;
    for (int s = 0; s + window <= size; s += stride)
        out.push_back(s);
    if (out.empty() || out.back() + window < size)
        out.push_back(size - window);
    return out;
}

ViewGrid::ViewGrid(int latentHeight, int latentWidth, int window, int stride, bool circular)
    : m_height(latentHeight), m_width(latentWidth)
{
    const int viewHeight = std::min(window, latentHeight);
    const int viewWidth = std::min(window, latentWidth);
    const std::vector<int> rows = starts(latentHeight, window, stride);
    std::vector<int> cols;
    if (circular) {
        // Every stride position around the cylinder; the windows past the right edge wrap.
        // Also on a canvas no wider than one window: its views then show the whole width
        // rolled, so the UNet sees the right edge next to the left one.
        for (int s = 0; s < latentWidth; s += std::max(stride, 1))
            cols.push_back(s);
    } else {
        cols = starts(latentWidth, window, stride);
    }
    for (int y : rows) {
        for (int x : cols) {
            View v;
            v.y = y;
            v.x = x;
            v.height = viewHeight;
            v.width = viewWidth;
            v.wraps = x + viewWidth > latentWidth;
            m_views.push_back(v);
        }
    }
}

} // namespace md

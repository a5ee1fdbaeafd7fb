#pragma once

// The windows ("views") of a MultiDiffusion canvas, in latent pixels.
//
// Windows have the model's native latent size and are spaced by `stride`, row-major, like
// the official code and diffusers' panorama pipeline. Unlike those, the last window in each
// direction is placed flush with the far edge, so every latent pixel is covered for any
// canvas size (they leave a dead strip when (size - window) is not a multiple of stride).
// With `circular`, windows also start past the right edge and wrap around (360° panoramas).

#include <vector>

namespace md {

struct View
{
    int y = 0; // top row
    int x = 0; // left column; with wrapping, columns x .. x+width-1 are taken modulo the width
    int height = 0;
    int width = 0;
    bool wraps = false; // true when the window crosses the right edge (circular only)
};

class ViewGrid
{
public:
    // latentHeight/Width: canvas size in latent pixels; window: the view size (clamped to the
    // canvas); stride >= 1.
    ViewGrid(int latentHeight, int latentWidth, int window, int stride, bool circular);

    const std::vector<View>& views() const { return m_views; }
    int size() const { return static_cast<int>(m_views.size()); }
    int latentHeight() const { return m_height; }
    int latentWidth() const { return m_width; }

    // Start offsets along one axis: 0, stride, 2*stride, ... and a last one flush at
    // size - window when the stride does not land there.
    static std::vector<int> starts(int size, int window, int stride);

private:
    int m_height;
    int m_width;
    std::vector<View> m_views;
};

} // namespace md

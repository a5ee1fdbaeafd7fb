#pragma once

#include <torch/torch.h>

namespace md {

// A painted frame-filling surface: rgb [3, H, W] in [0, 1], and for scenes with a
// foreground (the ridges of "mountains") the foreground's coverage [H, W], so that sky
// objects can be drawn behind it. `front` is undefined when there is none.
struct SurfaceImage
{
    torch::Tensor rgb;
    torch::Tensor front;
};

// The vertical extent a surface is painted for (its gradients span it), in canvas heights.
struct Span
{
    double top = 0.0;
    double bottom = 1.0;
};

} // namespace md

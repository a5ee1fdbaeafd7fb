#pragma once

// Binary region masks for the region-adherence layouts: [H, W] float tensors of 0 and 1.

#include "engine/EngineTypes.h"

#include <cstdint>
#include <torch/torch.h>

namespace md::test {

class MaskShapes
{
public:
    static torch::Tensor box(int height, int width, const Box& box);
    // Centre (cx, cy) and radii, in pixels.
    static torch::Tensor ellipse(int height, int width, double cx, double cy, double rx, double ry);
    // Pixels where a * x + b * y + c >= 0 (halves, diagonals, bands as two of them).
    static torch::Tensor halfPlane(int height, int width, double a, double b, double c);
    // A painted-like blob: a brush of about `radius` pixels dragged on a seeded random walk
    // around (cx, cy), with soft edges thresholded back to a binary mask.
    static torch::Tensor blob(int height, int width, double cx, double cy, double radius,
                              uint64_t seed);
    // `mask` with the pixels of `cut` removed.
    static torch::Tensor minus(const torch::Tensor& mask, const torch::Tensor& cut);

    static MaskImage toMaskImage(const torch::Tensor& mask);
};

} // namespace md::test

#pragma once

// Sample grids as 8-bit RGB PNG files for the trainer and the embedded-model tests, where
// OpenCV is not available (the GPU machine). The encoding is stb_image_write's.

#include "engine/Status.h"

#include <string>
#include <torch/torch.h>

namespace md {

class PngWriter
{
public:
    // `image` is [3, H, W]: floats in [0, 1] or uint8.
    static Status write(const std::string& path, const torch::Tensor& image);
    // Tiles [B, 3, H, W] images (in [-1, 1] when `signedRange`) into a grid `columns` wide.
    static torch::Tensor grid(const torch::Tensor& images, int columns, bool signedRange);
};

} // namespace md

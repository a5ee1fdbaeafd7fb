#pragma once

// diffusers' Downsample2D with a convolution: 3x3 "conv" with stride 2. The UNet pads 1 on
// every side; the VAE encoder (padding 0) pads the right and bottom edges by one instead,
// exactly as diffusers does.

#include "engine/nn/Conv2dLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class Downsample2DImpl : public torch::nn::Module
{
public:
    Downsample2DImpl(int64_t channels, int64_t padding);
    torch::Tensor forward(const torch::Tensor& x);

private:
    Conv2dLayer m_conv{nullptr};
    int64_t m_padding;
};
TORCH_MODULE(Downsample2D);

} // namespace md::nn

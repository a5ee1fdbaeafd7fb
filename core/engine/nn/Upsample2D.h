#pragma once

// diffusers' Upsample2D with a convolution: nearest-neighbour upsampling (2x, or to an
// explicit size when the skip connection it meets is odd-sized), then a 3x3 "conv".

#include "engine/nn/Conv2dLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class Upsample2DImpl : public torch::nn::Module
{
public:
    explicit Upsample2DImpl(int64_t channels);
    // outputSize {H, W}; empty: twice the input size.
    torch::Tensor forward(const torch::Tensor& x, std::vector<int64_t> outputSize = {});

private:
    Conv2dLayer m_conv{nullptr};
};
TORCH_MODULE(Upsample2D);

} // namespace md::nn

#include "engine/nn/Downsample2D.h"

#include <torch/torch.h>

namespace md::nn {

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t padding) : m_padding(padding)
{
    m_conv = register_module("conv", Conv2dLayer(channels, channels, 3, 2, padding));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x)
{
    if (m_padding == 0)
        return m_conv(torch::constant_pad_nd(x, {0, 1, 0, 1}, 0));
    return m_conv(x);
}

} // namespace md::nn

#pragma once

// diffusers' ResnetBlock2D ("default" time-embedding norm): GroupNorm "norm1", SiLU, 3x3
// "conv1", + "time_emb_proj"(temb) (UNet only), GroupNorm "norm2", SiLU, 3x3 "conv2", plus
// the input (through a 1x1 "conv_shortcut" when the channel counts differ).

#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/GroupNormLayer.h"
#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

struct ResnetBlock2DOptions
{
    int64_t inChannels = 0;
    int64_t outChannels = 0;
    int64_t tembChannels = 0; // 0: no time embedding (the VAE)
    int64_t groups = 32;
    double eps = 1e-5;
};

class ResnetBlock2DImpl : public torch::nn::Module
{
public:
    explicit ResnetBlock2DImpl(const ResnetBlock2DOptions& options);
    // x [B, in, H, W]; tembActivated = silu(time embedding) [B, temb] (diffusers applies the
    // SiLU inside every block; the UNet computes it once). Undefined without time embedding.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tembActivated = {});

private:
    GroupNormLayer m_norm1{nullptr};
    Conv2dLayer m_conv1{nullptr};
    LinearLayer m_timeEmbProj{nullptr};
    GroupNormLayer m_norm2{nullptr};
    Conv2dLayer m_conv2{nullptr};
    Conv2dLayer m_convShortcut{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

} // namespace md::nn

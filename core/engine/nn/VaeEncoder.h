#pragma once

// diffusers' VAE Encoder: "conv_in", "down_blocks.N" (DownEncoderBlock2D: "resnets.M" and,
// except at the last level, "downsamplers.0.conv" with asymmetric padding), "mid_block",
// "conv_norm_out", SiLU, "conv_out" (2 x latent channels: mean and log-variance).

#include "engine/io/ModelConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/Downsample2D.h"
#include "engine/nn/GroupNormLayer.h"
#include "engine/nn/ResnetBlock2D.h"
#include "engine/nn/VaeMidBlock.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class VaeEncoderImpl : public torch::nn::Module
{
public:
    explicit VaeEncoderImpl(const VaeConfig& config);
    torch::Tensor forward(const torch::Tensor& image); // [B, in, H, W] -> [B, 2 * latent, H/f, W/f]

private:
    Conv2dLayer m_convIn{nullptr};
    std::vector<std::vector<ResnetBlock2D>> m_resnets; // per level
    std::vector<Downsample2D> m_downsamplers;          // per level but the last
    VaeMidBlock m_mid{nullptr};
    GroupNormLayer m_convNormOut{nullptr};
    Conv2dLayer m_convOut{nullptr};
};
TORCH_MODULE(VaeEncoder);

} // namespace md::nn

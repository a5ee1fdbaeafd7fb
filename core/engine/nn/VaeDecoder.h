#pragma once

// diffusers' VAE Decoder: "conv_in", "mid_block", "up_blocks.N" (UpDecoderBlock2D, widest
// first: layers_per_block + 1 "resnets.M" and, except at the last level,
// "upsamplers.0.conv" after a nearest 2x), "conv_norm_out", SiLU, "conv_out".

#include "engine/io/ModelConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/GroupNormLayer.h"
#include "engine/nn/ResnetBlock2D.h"
#include "engine/nn/Upsample2D.h"
#include "engine/nn/VaeMidBlock.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class VaeDecoderImpl : public torch::nn::Module
{
public:
    explicit VaeDecoderImpl(const VaeConfig& config);
    torch::Tensor forward(const torch::Tensor& z); // [B, latent, h, w] -> [B, out, h*f, w*f]

private:
    Conv2dLayer m_convIn{nullptr};
    VaeMidBlock m_mid{nullptr};
    std::vector<std::vector<ResnetBlock2D>> m_resnets; // per up block
    std::vector<Upsample2D> m_upsamplers;              // per up block but the last
    GroupNormLayer m_convNormOut{nullptr};
    Conv2dLayer m_convOut{nullptr};
};
TORCH_MODULE(VaeDecoder);

} // namespace md::nn

#pragma once

// The VAE's middle (diffusers' UNetMidBlock2D without time embedding): "resnets.0",
// "attentions.0" (when mid_block_add_attention), "resnets.1"; GroupNorm eps 1e-6.

#include "engine/nn/ResnetBlock2D.h"
#include "engine/nn/VaeAttention.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class VaeMidBlockImpl : public torch::nn::Module
{
public:
    VaeMidBlockImpl(int64_t channels, int64_t groups, bool addAttention);
    torch::Tensor forward(torch::Tensor x);

private:
    std::vector<ResnetBlock2D> m_resnets;
    VaeAttention m_attention{nullptr};
};
TORCH_MODULE(VaeMidBlock);

} // namespace md::nn

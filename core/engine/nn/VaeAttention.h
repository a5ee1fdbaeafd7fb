#pragma once

// The VAE's single-head spatial self-attention (diffusers' Attention inside UNetMidBlock2D):
// GroupNorm "group_norm", Linear "to_q", "to_k", "to_v" and "to_out.0" (all with bias) over
// the H*W positions, plus the residual.

#include "engine/nn/GroupNormLayer.h"
#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class VaeAttentionImpl : public torch::nn::Module
{
public:
    VaeAttentionImpl(int64_t channels, int64_t groups, double eps);
    torch::Tensor forward(const torch::Tensor& x); // [B, C, H, W] -> [B, C, H, W]

private:
    GroupNormLayer m_groupNorm{nullptr};
    LinearLayer m_toQ{nullptr};
    LinearLayer m_toK{nullptr};
    LinearLayer m_toV{nullptr};
    LinearLayer m_toOut{nullptr};
};
TORCH_MODULE(VaeAttention);

} // namespace md::nn

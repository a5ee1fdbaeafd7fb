#pragma once

// diffusers' BasicTransformerBlock (Stable Diffusion flavour): pre-LayerNorm self-attention
// "attn1", cross-attention "attn2" on the text embeddings, GEGLU feed-forward "ff", each with
// a residual connection; LayerNorms "norm1", "norm2", "norm3" (eps 1e-5).

#include "engine/nn/CrossAttention.h"
#include "engine/nn/FeedForward.h"
#include "engine/nn/LayerNormLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class BasicTransformerBlockImpl : public torch::nn::Module
{
public:
    BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t headDim, int64_t contextDim,
                              bool upcastAttention);
    // x [B, L, dim], context [B, Lc, contextDim] -> [B, L, dim]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

private:
    LayerNormLayer m_norm1{nullptr};
    CrossAttention m_attn1{nullptr};
    LayerNormLayer m_norm2{nullptr};
    CrossAttention m_attn2{nullptr};
    LayerNormLayer m_norm3{nullptr};
    FeedForward m_ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

} // namespace md::nn

#pragma once

// diffusers' Attention as used inside BasicTransformerBlock: multi-head attention with
// "to_q", "to_k", "to_v" (no bias) and "to_out.0" (with bias). Self-attention when no context
// is given, cross-attention on the text embeddings otherwise.

#include "engine/nn/Attention.h"
#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

struct CrossAttentionOptions
{
    int64_t queryDim = 0;
    int64_t contextDim = 0; // 0: self-attention (keys and values from the query input)
    int64_t heads = 8;
    int64_t headDim = 64;
    bool qkvBias = false;
    bool upcast = false;
};

class CrossAttentionImpl : public torch::nn::Module
{
public:
    explicit CrossAttentionImpl(const CrossAttentionOptions& options);
    // x [B, Lq, queryDim], context [B, Lk, contextDim] or undefined -> [B, Lq, queryDim].
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

private:
    CrossAttentionOptions m_options;
    LinearLayer m_toQ{nullptr};
    LinearLayer m_toK{nullptr};
    LinearLayer m_toV{nullptr};
    LinearLayer m_toOut{nullptr};
};
TORCH_MODULE(CrossAttention);

// Splits [B, L, heads * D] into [B, heads, L, D] (a view) and merges it back (a copy).
torch::Tensor splitHeads(const torch::Tensor& x, int64_t heads);
torch::Tensor mergeHeads(const torch::Tensor& x);

} // namespace md::nn

#pragma once

// One layer of transformers' CLIPEncoder: "layer_norm1", causal multi-head "self_attn"
// ({q,k,v,out}_proj, all with bias), residual, "layer_norm2", "mlp" (fc1, activation, fc2),
// residual.

#include "engine/nn/LayerNormLayer.h"
#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

enum class ClipActivation { QuickGelu, Gelu };

class ClipEncoderLayerImpl : public torch::nn::Module
{
public:
    ClipEncoderLayerImpl(int64_t hidden, int64_t intermediate, int64_t heads, double eps,
                         ClipActivation activation);
    torch::Tensor forward(const torch::Tensor& x); // [B, L, hidden], causal

private:
    int64_t m_heads;
    ClipActivation m_activation;
    LayerNormLayer m_layerNorm1{nullptr};
    LinearLayer m_qProj{nullptr};
    LinearLayer m_kProj{nullptr};
    LinearLayer m_vProj{nullptr};
    LinearLayer m_outProj{nullptr};
    LayerNormLayer m_layerNorm2{nullptr};
    LinearLayer m_fc1{nullptr};
    LinearLayer m_fc2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

} // namespace md::nn

#include "engine/nn/ClipEncoderLayer.h"

#include "engine/nn/Attention.h"
#include "engine/nn/CrossAttention.h"
#include "engine/nn/TensorOps.h"

#include <torch/torch.h>

namespace md::nn {

ClipEncoderLayerImpl::ClipEncoderLayerImpl(int64_t hidden, int64_t intermediate, int64_t heads,
                                           double eps, ClipActivation activation)
    : m_heads(heads), m_activation(activation)
{
    m_layerNorm1 = register_module("layer_norm1", LayerNormLayer(hidden, eps));
    auto attention = register_module("self_attn", std::make_shared<torch::nn::Module>());
    m_qProj = attention->register_module("q_proj", LinearLayer(hidden, hidden));
    m_kProj = attention->register_module("k_proj", LinearLayer(hidden, hidden));
    m_vProj = attention->register_module("v_proj", LinearLayer(hidden, hidden));
    m_outProj = attention->register_module("out_proj", LinearLayer(hidden, hidden));
    m_layerNorm2 = register_module("layer_norm2", LayerNormLayer(hidden, eps));
    auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
    m_fc1 = mlp->register_module("fc1", LinearLayer(hidden, intermediate));
    m_fc2 = mlp->register_module("fc2", LinearLayer(intermediate, hidden));
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& x)
{
    auto normed = m_layerNorm1(x);
    auto q = splitHeads(m_qProj(normed), m_heads);
    auto k = splitHeads(m_kProj(normed), m_heads);
    auto v = splitHeads(m_vProj(normed), m_heads);
    AttentionOptions options;
    options.causal = true;
    auto h = addInto(m_outProj(mergeHeads(scaledDotProductAttention(q, k, v, options))), x);

    auto inner = m_fc1(m_layerNorm2(h));
    if (m_activation == ClipActivation::QuickGelu) {
        auto gate = torch::sigmoid(inner * 1.702); // x * sigmoid(1.702 x)
        inner = inner.requires_grad() ? inner * gate : inner.mul_(gate);
    } else
        inner = torch::gelu(inner);
    return addInto(m_fc2(inner), h);
}

} // namespace md::nn

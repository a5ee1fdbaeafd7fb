#include "engine/nn/VaeAttention.h"

#include "engine/nn/Attention.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/torch.h>

namespace md::nn {

VaeAttentionImpl::VaeAttentionImpl(int64_t channels, int64_t groups, double eps)
{
    m_groupNorm = register_module("group_norm", GroupNormLayer(groups, channels, eps));
    m_toQ = register_module("to_q", LinearLayer(channels, channels));
    m_toK = register_module("to_k", LinearLayer(channels, channels));
    m_toV = register_module("to_v", LinearLayer(channels, channels));
    auto toOut = register_module("to_out", torch::nn::ModuleList());
    m_toOut = LinearLayer(channels, channels);
    toOut->push_back(m_toOut);
}

torch::Tensor VaeAttentionImpl::forward(const torch::Tensor& x)
{
    const int64_t b = x.size(0);
    const int64_t c = x.size(1);
    const int64_t h = x.size(2);
    const int64_t w = x.size(3);
    // [B, C, H, W] -> tokens [B, HW, C] (one copy, so the three projections read it densely)
    auto tokens = m_groupNorm(x).view({b, c, h * w}).transpose(1, 2).contiguous();
    auto q = m_toQ(tokens).unsqueeze(1); // one head: [B, 1, HW, C]
    auto k = m_toK(tokens).unsqueeze(1);
    auto v = m_toV(tokens).unsqueeze(1);
    auto out = m_toOut(scaledDotProductAttention(q, k, v).squeeze(1)); // [B, HW, C]
    auto spatial = out.transpose(1, 2).view({b, c, h, w});
    if (x.requires_grad() || spatial.requires_grad())
        return x + spatial;
    auto result = torch::empty_like(x); // x's layout (NCHW, or channels-last)
    return torch::add_out(result, x, spatial);
}

} // namespace md::nn

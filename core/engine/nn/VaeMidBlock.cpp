#include "engine/nn/VaeMidBlock.h"

#include <torch/nn/modules/container/modulelist.h>

namespace md::nn {

VaeMidBlockImpl::VaeMidBlockImpl(int64_t channels, int64_t groups, bool addAttention)
{
    constexpr double eps = 1e-6;
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    ResnetBlock2DOptions r;
    r.inChannels = channels;
    r.outChannels = channels;
    r.groups = groups;
    r.eps = eps;
    for (int i = 0; i < 2; ++i) {
        m_resnets.emplace_back(r);
        resnets->push_back(m_resnets.back());
    }
    if (addAttention) {
        auto attentions = register_module("attentions", torch::nn::ModuleList());
        m_attention = VaeAttention(channels, groups, eps);
        attentions->push_back(m_attention);
    }
}

torch::Tensor VaeMidBlockImpl::forward(torch::Tensor x)
{
    x = m_resnets[0](x);
    if (m_attention)
        x = m_attention(x);
    return m_resnets[1](x);
}

} // namespace md::nn

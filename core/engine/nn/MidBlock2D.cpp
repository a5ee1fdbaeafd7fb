#include "engine/nn/MidBlock2D.h"

#include <torch/nn/modules/container/modulelist.h>

namespace md::nn {

MidBlock2DImpl::MidBlock2DImpl(const UNetBlockOptions& o)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    ResnetBlock2DOptions r;
    r.inChannels = o.inChannels;
    r.outChannels = o.inChannels;
    r.tembChannels = o.tembChannels;
    r.groups = o.groups;
    r.eps = o.eps;
    for (int i = 0; i < 2; ++i) {
        m_resnets.emplace_back(r);
        resnets->push_back(m_resnets.back());
    }
    if (o.hasAttention) {
        auto attentions = register_module("attentions", torch::nn::ModuleList());
        m_attentions.emplace_back(transformerOptions(o, o.inChannels));
        attentions->push_back(m_attentions.back());
    }
}

torch::Tensor MidBlock2DImpl::forward(torch::Tensor x, const torch::Tensor& temb,
                                      const torch::Tensor& context)
{
    x = m_resnets[0](x, temb);
    if (!m_attentions.empty())
        x = m_attentions[0](x, context);
    return m_resnets[1](x, temb);
}

} // namespace md::nn

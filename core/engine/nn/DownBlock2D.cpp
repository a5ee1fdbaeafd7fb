#include "engine/nn/DownBlock2D.h"

#include <torch/nn/modules/container/modulelist.h>

namespace md::nn {

DownBlock2DImpl::DownBlock2DImpl(const UNetBlockOptions& o)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    torch::nn::ModuleList attentions;
    if (o.hasAttention)
        attentions = register_module("attentions", torch::nn::ModuleList());
    for (int64_t i = 0; i < o.layers; ++i) {
        ResnetBlock2DOptions r;
        r.inChannels = i == 0 ? o.inChannels : o.outChannels;
        r.outChannels = o.outChannels;
        r.tembChannels = o.tembChannels;
        r.groups = o.groups;
        r.eps = o.eps;
        m_resnets.emplace_back(r);
        resnets->push_back(m_resnets.back());
        if (o.hasAttention) {
            m_attentions.emplace_back(transformerOptions(o, o.outChannels));
            attentions->push_back(m_attentions.back());
        }
    }
    if (o.addSampler) {
        auto samplers = register_module("downsamplers", torch::nn::ModuleList());
        m_downsampler = Downsample2D(o.outChannels, 1);
        samplers->push_back(m_downsampler);
    }
}

torch::Tensor DownBlock2DImpl::forward(torch::Tensor x, const torch::Tensor& temb,
                                       const torch::Tensor& context,
                                       std::vector<torch::Tensor>& skips)
{
    for (size_t i = 0; i < m_resnets.size(); ++i) {
        x = m_resnets[i](x, temb);
        if (!m_attentions.empty())
            x = m_attentions[i](x, context);
        skips.push_back(x);
    }
    if (m_downsampler) {
        x = m_downsampler(x);
        skips.push_back(x);
    }
    return x;
}

} // namespace md::nn

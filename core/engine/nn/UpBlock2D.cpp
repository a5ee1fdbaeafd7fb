#include "engine/nn/UpBlock2D.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/torch.h>

namespace md::nn {

UpBlock2DImpl::UpBlock2DImpl(const UNetBlockOptions& o)
{
    auto resnets = register_module("resnets", torch::nn::ModuleList());
    torch::nn::ModuleList attentions;
    if (o.hasAttention)
        attentions = register_module("attentions", torch::nn::ModuleList());
    for (int64_t i = 0; i < o.layers; ++i) {
        // The last resnet meets the skip from the level above (its input channels).
        const int64_t skipChannels = i == o.layers - 1 ? o.inChannels : o.outChannels;
        ResnetBlock2DOptions r;
        r.inChannels = (i == 0 ? o.prevOutChannels : o.outChannels) + skipChannels;
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
        auto samplers = register_module("upsamplers", torch::nn::ModuleList());
        m_upsampler = Upsample2D(o.outChannels);
        samplers->push_back(m_upsampler);
    }
}

torch::Tensor UpBlock2DImpl::forward(torch::Tensor x, std::vector<torch::Tensor>& skips,
                                     const torch::Tensor& temb, const torch::Tensor& context,
                                     const std::vector<int64_t>& upsampleSize)
{
    for (size_t i = 0; i < m_resnets.size(); ++i) {
        TORCH_CHECK(!skips.empty(), "UNet up block: no skip connection left");
        auto skip = std::move(skips.back());
        skips.pop_back();
        x = m_resnets[i](torch::cat({x, skip}, 1), temb);
        if (!m_attentions.empty())
            x = m_attentions[i](x, context);
    }
    if (m_upsampler)
        x = m_upsampler(x, upsampleSize);
    return x;
}

} // namespace md::nn

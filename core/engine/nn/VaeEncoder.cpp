#include "engine/nn/VaeEncoder.h"

#include <torch/nn/modules/container/modulelist.h>

namespace md::nn {

VaeEncoderImpl::VaeEncoderImpl(const VaeConfig& config)
{
    constexpr double eps = 1e-6;
    const auto& channels = config.blockOutChannels;
    const int64_t groups = config.normNumGroups;
    m_convIn = register_module("conv_in", Conv2dLayer(config.inChannels, channels[0], 3, 1, 1));

    auto blocks = register_module("down_blocks", torch::nn::ModuleList());
    for (size_t level = 0; level < channels.size(); ++level) {
        auto block = std::make_shared<torch::nn::Module>();
        auto resnets = block->register_module("resnets", torch::nn::ModuleList());
        m_resnets.emplace_back();
        for (int i = 0; i < config.layersPerBlock; ++i) {
            ResnetBlock2DOptions r;
            r.inChannels = i == 0 ? channels[level == 0 ? 0 : level - 1] : channels[level];
            r.outChannels = channels[level];
            r.groups = groups;
            r.eps = eps;
            m_resnets.back().emplace_back(r);
            resnets->push_back(m_resnets.back().back());
        }
        if (level + 1 < channels.size()) {
            auto samplers = block->register_module("downsamplers", torch::nn::ModuleList());
            m_downsamplers.emplace_back(channels[level], 0);
            samplers->push_back(m_downsamplers.back());
        }
        blocks->push_back(block);
    }

    m_mid = register_module("mid_block",
                            VaeMidBlock(channels.back(), groups, config.midBlockAddAttention));
    m_convNormOut = register_module("conv_norm_out", GroupNormLayer(groups, channels.back(), eps));
    m_convOut = register_module("conv_out",
                                Conv2dLayer(channels.back(), 2 * config.latentChannels, 3, 1, 1));
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor& image)
{
    auto x = m_convIn(image);
    for (size_t level = 0; level < m_resnets.size(); ++level) {
        for (auto& resnet : m_resnets[level])
            x = resnet(x);
        if (level < m_downsamplers.size())
            x = m_downsamplers[level](x);
    }
    x = m_mid(x);
    return m_convOut(m_convNormOut->forwardSilu(x));
}

} // namespace md::nn

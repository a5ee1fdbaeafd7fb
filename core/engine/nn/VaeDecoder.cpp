#include "engine/nn/VaeDecoder.h"

#include <torch/nn/modules/container/modulelist.h>

namespace md::nn {

VaeDecoderImpl::VaeDecoderImpl(const VaeConfig& config)
{
    constexpr double eps = 1e-6;
    const auto& channels = config.blockOutChannels;
    const size_t levels = channels.size();
    const int64_t groups = config.normNumGroups;
    m_convIn =
        register_module("conv_in", Conv2dLayer(config.latentChannels, channels.back(), 3, 1, 1));
    m_mid = register_module("mid_block",
                            VaeMidBlock(channels.back(), groups, config.midBlockAddAttention));

    auto blocks = register_module("up_blocks", torch::nn::ModuleList());
    int64_t outChannels = channels.back();
    for (size_t i = 0; i < levels; ++i) {
        const int64_t inChannels = outChannels;
        outChannels = channels[levels - 1 - i];
        auto block = std::make_shared<torch::nn::Module>();
        auto resnets = block->register_module("resnets", torch::nn::ModuleList());
        m_resnets.emplace_back();
        for (int j = 0; j < config.layersPerBlock + 1; ++j) {
            ResnetBlock2DOptions r;
            r.inChannels = j == 0 ? inChannels : outChannels;
            r.outChannels = outChannels;
            r.groups = groups;
            r.eps = eps;
            m_resnets.back().emplace_back(r);
            resnets->push_back(m_resnets.back().back());
        }
        if (i + 1 < levels) {
            auto samplers = block->register_module("upsamplers", torch::nn::ModuleList());
            m_upsamplers.emplace_back(outChannels);
            samplers->push_back(m_upsamplers.back());
        }
        blocks->push_back(block);
    }

    m_convNormOut = register_module("conv_norm_out", GroupNormLayer(groups, channels[0], eps));
    m_convOut = register_module("conv_out", Conv2dLayer(channels[0], config.outChannels, 3, 1, 1));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor& z)
{
    auto x = m_mid(m_convIn(z));
    for (size_t i = 0; i < m_resnets.size(); ++i) {
        for (auto& resnet : m_resnets[i])
            x = resnet(x);
        if (i < m_upsamplers.size())
            x = m_upsamplers[i](x);
    }
    return m_convOut(m_convNormOut->forwardSilu(x));
}

} // namespace md::nn

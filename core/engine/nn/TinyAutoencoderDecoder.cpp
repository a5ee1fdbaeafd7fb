#include "engine/nn/TinyAutoencoderDecoder.h"

#include <string>
#include <torch/torch.h>

namespace md::nn {

TinyAutoencoderDecoderImpl::TinyAutoencoderDecoderImpl(const TinyDecoderConfig& config)
    : m_config(config)
{
    auto layers = register_module("layers", std::make_shared<torch::nn::Module>());
    const auto& channels = config.blockOutChannels;
    int index = 0;
    m_convIn = layers->register_module(std::to_string(index),
                                       Conv2dLayer(config.latentChannels, channels[0], 3, 1, 1));
    index += 2; // the ReLU
    for (size_t i = 0; i < channels.size(); ++i) {
        const bool last = i + 1 == channels.size();
        Level level;
        for (int b = 0; b < config.numBlocks[i]; ++b)
            level.blocks.push_back(layers->register_module(std::to_string(index++),
                                                           TinyAutoencoderBlock(channels[i])));
        if (!last)
            ++index; // the upsampling
        const int64_t out = last ? config.outChannels : channels[i];
        level.conv = layers->register_module(std::to_string(index++),
                                             Conv2dLayer(channels[i], out, 3, 1, 1, last));
        m_levels.push_back(std::move(level));
    }
}

torch::Tensor TinyAutoencoderDecoderImpl::forward(const torch::Tensor& latents) const
{
    auto x = torch::tanh(latents / 3.0) * 3.0;
    x = torch::relu(m_convIn->forward(x));
    const int64_t factor = m_config.upsamplingFactor;
    for (size_t i = 0; i < m_levels.size(); ++i) {
        for (const auto& block : m_levels[i].blocks)
            x = block->forward(x);
        if (i + 1 < m_levels.size())
            x = torch::upsample_nearest2d(x, {x.size(2) * factor, x.size(3) * factor});
        x = m_levels[i].conv->forward(x);
    }
    return x;
}

} // namespace md::nn

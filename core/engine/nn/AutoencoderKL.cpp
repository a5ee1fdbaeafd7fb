#include "engine/nn/AutoencoderKL.h"

#include <torch/torch.h>

namespace md::nn {

AutoencoderKLImpl::AutoencoderKLImpl(const VaeConfig& config) : m_config(config)
{
    const auto& channels = config.blockOutChannels;
    TORCH_CHECK(!channels.empty(), "VAE config: block_out_channels is empty");
    for (int c : channels)
        TORCH_CHECK(c > 0 && c % config.normNumGroups == 0, "VAE config: ", c,
                    " channels are not divisible into ", config.normNumGroups, " groups");
    const int64_t latent = config.latentChannels;
    m_encoder = register_module("encoder", VaeEncoder(config));
    m_decoder = register_module("decoder", VaeDecoder(config));
    if (config.useQuantConv)
        m_quantConv = register_module("quant_conv", Conv2dLayer(2 * latent, 2 * latent, 1));
    if (config.usePostQuantConv)
        m_postQuantConv = register_module("post_quant_conv", Conv2dLayer(latent, latent, 1));
}

LatentDistribution AutoencoderKLImpl::encode(const torch::Tensor& image)
{
    auto moments = m_encoder(image);
    if (m_quantConv)
        moments = m_quantConv(moments);
    auto parts = moments.chunk(2, 1);
    LatentDistribution out;
    out.mean = parts[0];
    out.std = torch::exp(0.5 * torch::clamp(parts[1], -30.0, 20.0));
    return out;
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z)
{
    return m_decoder(m_postQuantConv ? m_postQuantConv(z) : z);
}

} // namespace md::nn

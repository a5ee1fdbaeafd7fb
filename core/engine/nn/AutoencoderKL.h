#pragma once

// diffusers' AutoencoderKL: "encoder", "quant_conv" (1x1), "post_quant_conv" (1x1),
// "decoder", built from a VaeConfig.
//
// Scaling is the CALLER's job, as in diffusers' pipelines:
//   latents = (encode(image).mean or a sample - shiftFactor) * scalingFactor
//   image   = decode(latents / scalingFactor + shiftFactor)
// (SD 1.x/2.x: scalingFactor 0.18215, shiftFactor 0). Images are in [-1, 1], unclamped.

#include "engine/io/ModelConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/VaeDecoder.h"
#include "engine/nn/VaeEncoder.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

// The encoder's diagonal Gaussian; std = exp(0.5 * clamp(logvar, -30, 20)).
struct LatentDistribution
{
    torch::Tensor mean;
    torch::Tensor std;
    // mean + std * noise (noise ~ N(0, 1), of mean's shape).
    torch::Tensor sample(const torch::Tensor& noise) const { return mean + std * noise; }
};

class AutoencoderKLImpl : public torch::nn::Module
{
public:
    explicit AutoencoderKLImpl(const VaeConfig& config);

    // image [B, inChannels, H, W] in [-1, 1] (H, W multiples of the scale factor) ->
    // the latent distribution [B, latentChannels, H/f, W/f], unscaled.
    LatentDistribution encode(const torch::Tensor& image);
    // z [B, latentChannels, h, w] = latents / scalingFactor (unscaled) -> image in [-1, 1]
    // (unclamped) [B, outChannels, h*f, w*f].
    torch::Tensor decode(const torch::Tensor& z);

    const VaeConfig& config() const { return m_config; }

private:
    VaeConfig m_config;
    VaeEncoder m_encoder{nullptr};
    VaeDecoder m_decoder{nullptr};
    Conv2dLayer m_quantConv{nullptr};
    Conv2dLayer m_postQuantConv{nullptr};
};
TORCH_MODULE(AutoencoderKL);

} // namespace md::nn

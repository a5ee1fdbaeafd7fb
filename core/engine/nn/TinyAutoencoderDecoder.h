#pragma once

// The decoder of a tiny autoencoder (TAESD / TAESDXL; diffusers' AutoencoderTiny decoder),
// laid out by TinyDecoderConfig: the latents are soft-clamped to (-3, 3) (3 tanh(x / 3)),
// a 3x3 conv and a ReLU, then per level its TinyAutoencoderBlocks and, but for the last
// level, a nearest upsampling and a 3x3 conv without bias; the last level ends with a 3x3
// conv to RGB. Parameters are named "layers.N...." with the Sequential's indices (the
// parameter-free ReLU and upsampling layers keep theirs), see io/TinyDecoderConfig.h.
//
// Input: the latents as the UNet sees them (scaled: TAESD was trained on
// vae.encode(x) * scaling_factor, so nothing is divided); output: RGB in TAESD's [0, 1]
// units, unclamped (diffusers' AutoencoderTiny.decode returns 2 * this - 1).

#include "engine/io/TinyDecoderConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/TinyAutoencoderBlock.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class TinyAutoencoderDecoderImpl : public torch::nn::Module
{
public:
    explicit TinyAutoencoderDecoderImpl(const TinyDecoderConfig& config);
    // [B, latentChannels, h, w] -> [B, outChannels, f*h, f*w] (f = config.scaleFactor()).
    torch::Tensor forward(const torch::Tensor& latents) const;

    const TinyDecoderConfig& config() const { return m_config; }

private:
    struct Level
    {
        std::vector<TinyAutoencoderBlock> blocks;
        Conv2dLayer conv{nullptr}; // after the upsampling; the last level's: to RGB
    };

    TinyDecoderConfig m_config;
    Conv2dLayer m_convIn{nullptr};
    std::vector<Level> m_levels;
};
TORCH_MODULE(TinyAutoencoderDecoder);

} // namespace md::nn

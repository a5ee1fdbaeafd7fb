#pragma once

// diffusers' UNet2DConditionModel for Stable Diffusion 1.x / 2.x and SDXL, built from a
// UNetConfig (any number of levels and widths, transformer depth per level, SDXL's
// "text_time" added conditioning). Parameter names are diffusers' state-dict keys
// ("conv_in.weight", "down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight",
// ...), so a diffusers checkpoint binds by name (see WeightLoading.h).
//
// Works on any device and dtype after .to(); differentiable (no grad guards inside).

#include "engine/io/ModelConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/DownBlock2D.h"
#include "engine/nn/GroupNormLayer.h"
#include "engine/nn/MidBlock2D.h"
#include "engine/nn/TimestepEmbedding.h"
#include "engine/nn/UpBlock2D.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class UNet2DConditionModelImpl : public torch::nn::Module
{
public:
    // Throws c10::Error for an inconsistent config; use createUNet() (ModelFactory.h) for a
    // checked construction.
    explicit UNet2DConditionModelImpl(const UNetConfig& config);

    // sample [B, inChannels, h, w] (any h, w; non-square fine), timestep [B], [1] or a scalar
    // (integer or floating), encoderHiddenStates [B, L, crossAttentionDim]
    // -> the model output [B, outChannels, h, w] (epsilon or v, as trained).
    // SDXL (config().hasTextTime()): textEmbeds [B, P] (the pooled text vector) and timeIds
    // [B, 6] (original H, W, crop top, left, target H, W in pixels) are required.
    torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                          const torch::Tensor& encoderHiddenStates,
                          const torch::Tensor& textEmbeds = {}, const torch::Tensor& timeIds = {});

    const UNetConfig& config() const { return m_config; }

private:
    UNetConfig m_config;
    Conv2dLayer m_convIn{nullptr};
    TimestepEmbedding m_timeEmbedding{nullptr};
    TimestepEmbedding m_addEmbedding{nullptr}; // SDXL "add_embedding"
    std::vector<DownBlock2D> m_down;
    MidBlock2D m_mid{nullptr};
    std::vector<UpBlock2D> m_up;
    GroupNormLayer m_convNormOut{nullptr};
    Conv2dLayer m_convOut{nullptr};
};
TORCH_MODULE(UNet2DConditionModel);

} // namespace md::nn

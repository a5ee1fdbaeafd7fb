#pragma once

// diffusers' DownBlock2D and CrossAttnDownBlock2D: "resnets.N" (each followed by
// "attentions.N" when the block has cross-attention), then "downsamplers.0". Every
// intermediate output is pushed as a skip connection for the up blocks.

#include "engine/nn/Downsample2D.h"
#include "engine/nn/ResnetBlock2D.h"
#include "engine/nn/Transformer2DModel.h"
#include "engine/nn/UNetBlockOptions.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class DownBlock2DImpl : public torch::nn::Module
{
public:
    explicit DownBlock2DImpl(const UNetBlockOptions& options);
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                          std::vector<torch::Tensor>& skips);

private:
    std::vector<ResnetBlock2D> m_resnets;
    std::vector<Transformer2DModel> m_attentions;
    Downsample2D m_downsampler{nullptr};
};
TORCH_MODULE(DownBlock2D);

} // namespace md::nn

#pragma once

// The UNet's middle: diffusers' UNetMidBlock2DCrossAttn ("resnets.0", "attentions.0",
// "resnets.1"), or UNetMidBlock2D without attention (two resnets).

#include "engine/nn/ResnetBlock2D.h"
#include "engine/nn/Transformer2DModel.h"
#include "engine/nn/UNetBlockOptions.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class MidBlock2DImpl : public torch::nn::Module
{
public:
    explicit MidBlock2DImpl(const UNetBlockOptions& options);
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context);

private:
    std::vector<ResnetBlock2D> m_resnets;
    std::vector<Transformer2DModel> m_attentions;
};
TORCH_MODULE(MidBlock2D);

} // namespace md::nn

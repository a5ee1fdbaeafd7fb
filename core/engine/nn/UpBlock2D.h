#pragma once

// diffusers' UpBlock2D and CrossAttnUpBlock2D: each of "resnets.N" takes the running tensor
// concatenated (on channels) with the latest skip connection, then "attentions.N" when the
// block has cross-attention; "upsamplers.0" at the end.

#include "engine/nn/ResnetBlock2D.h"
#include "engine/nn/Transformer2DModel.h"
#include "engine/nn/UNetBlockOptions.h"
#include "engine/nn/Upsample2D.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class UpBlock2DImpl : public torch::nn::Module
{
public:
    explicit UpBlock2DImpl(const UNetBlockOptions& options);
    // Pops resnets().size() skips from the back of `skips`. upsampleSize {H, W}: the size of
    // the next skip connection (empty: 2x).
    torch::Tensor forward(torch::Tensor x, std::vector<torch::Tensor>& skips,
                          const torch::Tensor& temb, const torch::Tensor& context,
                          const std::vector<int64_t>& upsampleSize);
    size_t resnetCount() const { return m_resnets.size(); }

private:
    std::vector<ResnetBlock2D> m_resnets;
    std::vector<Transformer2DModel> m_attentions;
    Upsample2D m_upsampler{nullptr};
};
TORCH_MODULE(UpBlock2D);

} // namespace md::nn

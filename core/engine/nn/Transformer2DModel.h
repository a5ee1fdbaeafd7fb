#pragma once

// diffusers' Transformer2DModel for continuous (latent) inputs: GroupNorm "norm" (eps 1e-6),
// "proj_in", a stack of BasicTransformerBlocks "transformer_blocks.N", "proj_out", and the
// residual. proj_in/proj_out are 1x1 convolutions in SD 1.x (weights [C, C, 1, 1]) and
// Linear layers in SD 2.x (use_linear_projection, weights [C, C]). A 1x1 convolution is the
// same product as a Linear layer on the tokens, so both run as one matrix product (the
// layers' run-time LoRA adapters too: LowRankAdapter.h).

#include "engine/nn/BasicTransformerBlock.h"
#include "engine/nn/GroupNormLayer.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/nn/StackedAdapters.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

struct Transformer2DOptions
{
    int64_t channels = 320;
    int64_t heads = 8;
    int64_t layers = 1;
    int64_t contextDim = 768;
    int64_t groups = 32;
    bool linearProjection = false;
    bool upcastAttention = false;
};

class Transformer2DModelImpl : public torch::nn::Module
{
public:
    explicit Transformer2DModelImpl(const Transformer2DOptions& options);
    // x [B, C, H, W], context [B, L, contextDim] -> [B, C, H, W]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

private:
    Transformer2DOptions m_options;
    GroupNormLayer m_norm{nullptr};
    torch::Tensor m_projInWeight;
    torch::Tensor m_projInBias;
    torch::Tensor m_projOutWeight;
    torch::Tensor m_projOutBias;
    // The proj_in / proj_out layers' adapters (the layers live as long as this module).
    const std::vector<LowRankAdapter>* m_projInAdapters = nullptr;
    const std::vector<LowRankAdapter>* m_projOutAdapters = nullptr;
    const StackedAdapters* m_projInStacked = nullptr;
    const StackedAdapters* m_projOutStacked = nullptr;
    std::vector<BasicTransformerBlock> m_blocks;
};
TORCH_MODULE(Transformer2DModel);

} // namespace md::nn

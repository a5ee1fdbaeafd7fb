#include "engine/nn/Transformer2DModel.h"

#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/TensorOps.h"

#include <torch/torch.h>

namespace md::nn {

namespace {

torch::Tensor project(const torch::Tensor& tokens, const torch::Tensor& weight,
                      const torch::Tensor& bias, const std::vector<LowRankAdapter>& adapters,
                      const StackedAdapters* stacked)
{
    auto y = torch::linear(tokens, weight, bias); // bias fused (see LinearLayer.cpp)
    if (adapters.empty() || !AdapterScales::anyActive())
        return y;
    return addLinearAdapters(tokens, y, weight, bias, adapters, stacked);
}

} // namespace

Transformer2DModelImpl::Transformer2DModelImpl(const Transformer2DOptions& options)
    : m_options(options)
{
    const int64_t c = options.channels;
    m_norm = register_module("norm", GroupNormLayer(options.groups, c, 1e-6));
    if (options.linearProjection) {
        auto in = register_module("proj_in", LinearLayer(c, c));
        m_projInWeight = in->weight;
        m_projInBias = in->bias;
        m_projInAdapters = &in->adapters;
        m_projInStacked = &in->stacked;
    } else {
        auto in = register_module("proj_in", Conv2dLayer(c, c, 1));
        m_projInWeight = in->weight;
        m_projInBias = in->bias;
        m_projInAdapters = &in->adapters;
        m_projInStacked = &in->stacked;
    }
    auto blocks = register_module("transformer_blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < options.layers; ++i) {
        m_blocks.emplace_back(c, options.heads, c / options.heads, options.contextDim,
                              options.upcastAttention);
        blocks->push_back(m_blocks.back());
    }
    if (options.linearProjection) {
        auto out = register_module("proj_out", LinearLayer(c, c));
        m_projOutWeight = out->weight;
        m_projOutBias = out->bias;
        m_projOutAdapters = &out->adapters;
        m_projOutStacked = &out->stacked;
    } else {
        auto out = register_module("proj_out", Conv2dLayer(c, c, 1));
        m_projOutWeight = out->weight;
        m_projOutBias = out->bias;
        m_projOutAdapters = &out->adapters;
        m_projOutStacked = &out->stacked;
    }
}

torch::Tensor Transformer2DModelImpl::forward(const torch::Tensor& x, const torch::Tensor& context)
{
    const int64_t b = x.size(0);
    const int64_t c = x.size(1);
    const int64_t h = x.size(2);
    const int64_t w = x.size(3);

    // The loader replaces parameters with set_data(), which keeps these handles valid.
    auto projIn = m_projInWeight.view({c, c});
    auto projOut = m_projOutWeight.view({c, c});

    auto tokens = m_norm(x).permute({0, 2, 3, 1}).reshape({b, h * w, c});
    tokens = project(tokens, projIn, m_projInBias, *m_projInAdapters, m_projInStacked);
    for (auto& block : m_blocks)
        tokens = block(tokens, context);
    tokens = project(tokens, projOut, m_projOutBias, *m_projOutAdapters, m_projOutStacked);
    // Back to [B, C, H, W] (a view). Without autograd the residual add writes the result
    // straight into x's layout (NCHW, or channels-last); out= variants are not differentiable.
    auto spatial = tokens.view({b, h, w, c}).permute({0, 3, 1, 2});
    if (x.requires_grad() || spatial.requires_grad())
        return x + spatial;
    auto out = torch::empty_like(x);
    return torch::add_out(out, x, spatial);
}

} // namespace md::nn

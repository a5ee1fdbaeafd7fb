#pragma once

// A 2-D convolution with parameters "weight" [out, in, k, k] and "bias" [out] (the names of
// torch.nn.Conv2d). Square kernel, equal stride and symmetric zero padding on both axes.
// `adapters`: run-time LoRA / LoCon updates added to the output (LowRankAdapter.h); none
// enabled on this thread = the plain convolution, at no cost.

#include "engine/nn/LowRankAdapter.h"
#include "engine/nn/StackedAdapters.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class Conv2dLayerImpl : public torch::nn::Module
{
public:
    Conv2dLayerImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1,
                    int64_t padding = 0, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x) const;
    void resetParameters();

    int64_t stride() const { return m_stride; }
    int64_t padding() const { return m_padding; }

    torch::Tensor weight;
    torch::Tensor bias;
    std::vector<LowRankAdapter> adapters;
    // `adapters` stacked for calls that mix LoRA sets (rebuilt by restackAdapters()).
    StackedAdapters stacked;
    void restackAdapters() { stacked = StackedAdapters::build(adapters); }

private:
    int64_t m_stride;
    int64_t m_padding;
};
TORCH_MODULE(Conv2dLayer);

} // namespace md::nn

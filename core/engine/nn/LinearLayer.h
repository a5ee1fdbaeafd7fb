#pragma once

// y = x W^T + b, with parameters "weight" [out, in] and optional "bias" [out] (the names of
// torch.nn.Linear, so checkpoints bind by name). See ParameterInit.h for initialisation.
// `adapters`: run-time LoRA updates added to the output (LowRankAdapter.h); none enabled on
// this thread = the plain product, at no cost.

#include "engine/nn/LowRankAdapter.h"
#include "engine/nn/StackedAdapters.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

class LinearLayerImpl : public torch::nn::Module
{
public:
    LinearLayerImpl(int64_t in, int64_t out, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x) const;
    void resetParameters();

    torch::Tensor weight;
    torch::Tensor bias; // undefined without bias
    std::vector<LowRankAdapter> adapters;
    // `adapters` stacked for calls that mix LoRA sets (rebuilt by restackAdapters()).
    StackedAdapters stacked;
    void restackAdapters() { stacked = StackedAdapters::build(adapters); }
};
TORCH_MODULE(LinearLayer);

} // namespace md::nn

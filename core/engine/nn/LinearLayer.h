#pragma once

// y = x W^T + b, with parameters "weight" [out, in] and optional "bias" [out] (the names of
// torch.nn.Linear, so checkpoints bind by name). See ParameterInit.h for initialisation.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class LinearLayerImpl : public torch::nn::Module
{
public:
    LinearLayerImpl(int64_t in, int64_t out, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x) const;
    void resetParameters();

    torch::Tensor weight;
    torch::Tensor bias; // undefined without bias
};
TORCH_MODULE(LinearLayer);

} // namespace md::nn

#pragma once

// Layer normalisation over the last dimension with affine "weight" and "bias", as
// torch.nn.LayerNorm.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class LayerNormLayerImpl : public torch::nn::Module
{
public:
    LayerNormLayerImpl(int64_t dim, double eps);
    torch::Tensor forward(const torch::Tensor& x) const;
    void resetParameters();

    torch::Tensor weight;
    torch::Tensor bias;

private:
    int64_t m_dim;
    double m_eps;
};
TORCH_MODULE(LayerNormLayer);

} // namespace md::nn

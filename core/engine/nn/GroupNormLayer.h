#pragma once

// Group normalisation over channels (dim 1) with affine "weight" and "bias" [C], as
// torch.nn.GroupNorm. forwardSilu() fuses the SiLU that nearly always follows it. Inside a
// GroupNormStatistics::Scope the statistics are recorded or replayed (tiled VAE passes).

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class GroupNormLayerImpl : public torch::nn::Module
{
public:
    GroupNormLayerImpl(int64_t groups, int64_t channels, double eps);
    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor forwardSilu(const torch::Tensor& x) const; // silu(groupnorm(x))
    void resetParameters();

    torch::Tensor weight;
    torch::Tensor bias;

private:
    int64_t m_groups;
    double m_eps;
};
TORCH_MODULE(GroupNormLayer);

} // namespace md::nn

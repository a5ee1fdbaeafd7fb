#pragma once

// diffusers' FeedForward with a GEGLU activation: "net.0.proj" Linear(dim, 2 * inner), then
// hidden * gelu(gate) (the first half times GELU of the second), then "net.2"
// Linear(inner, dim). inner = mult * dim (4 in Stable Diffusion).

#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class FeedForwardImpl : public torch::nn::Module
{
public:
    FeedForwardImpl(int64_t dim, int64_t mult = 4);
    torch::Tensor forward(const torch::Tensor& x);

private:
    LinearLayer m_proj{nullptr}; // net.0.proj
    LinearLayer m_out{nullptr};  // net.2
};
TORCH_MODULE(FeedForward);

} // namespace md::nn

#include "engine/nn/FeedForward.h"

#include <torch/torch.h>

namespace md::nn {

namespace {

// Holds "proj" so that the parameter is named net.0.proj.weight.
class GegluImpl : public torch::nn::Module
{
public:
    explicit GegluImpl(LinearLayer proj) { register_module("proj", std::move(proj)); }
};
TORCH_MODULE(Geglu);

} // namespace

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t mult)
{
    const int64_t inner = dim * mult;
    m_proj = LinearLayer(dim, inner * 2);
    m_out = LinearLayer(inner, dim);
    auto net = register_module("net", torch::nn::ModuleList());
    net->push_back(Geglu(m_proj));
    net->push_back(torch::nn::Identity()); // "net.1": diffusers' Dropout, no parameters
    net->push_back(m_out);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x)
{
    auto projected = m_proj(x);
    auto parts = projected.chunk(2, -1);
    auto gate = torch::gelu(parts[1]);
    // In place when autograd does not need the GELU output (it does for d/d hidden).
    auto hidden = gate.requires_grad() ? parts[0] * gate : gate.mul_(parts[0]);
    return m_out(hidden);
}

} // namespace md::nn

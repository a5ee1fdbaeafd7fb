#include "engine/nn/TinyAutoencoderBlock.h"

#include <torch/torch.h>

namespace md::nn {

TinyAutoencoderBlockImpl::TinyAutoencoderBlockImpl(int64_t channels)
{
    auto convs = register_module("conv", std::make_shared<torch::nn::Module>());
    m_first = convs->register_module("0", Conv2dLayer(channels, channels, 3, 1, 1));
    m_second = convs->register_module("2", Conv2dLayer(channels, channels, 3, 1, 1));
    m_third = convs->register_module("4", Conv2dLayer(channels, channels, 3, 1, 1));
}

torch::Tensor TinyAutoencoderBlockImpl::forward(const torch::Tensor& x) const
{
    auto y = torch::relu(m_first->forward(x));
    y = torch::relu(m_second->forward(y));
    y = m_third->forward(y);
    return torch::relu(y.add_(x));
}

} // namespace md::nn

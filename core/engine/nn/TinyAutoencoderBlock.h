#pragma once

// The residual unit of a tiny autoencoder (TAESD): three 3x3 convs with ReLUs between them
// ("conv.0", "conv.2", "conv.4"; the ReLUs keep the Sequential's indices 1 and 3), added to
// the input, then a ReLU. Input and output have the same channels, as in the decoder.

#include "engine/nn/Conv2dLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class TinyAutoencoderBlockImpl : public torch::nn::Module
{
public:
    explicit TinyAutoencoderBlockImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    Conv2dLayer m_first{nullptr};
    Conv2dLayer m_second{nullptr};
    Conv2dLayer m_third{nullptr};
};
TORCH_MODULE(TinyAutoencoderBlock);

} // namespace md::nn

#pragma once

// A lookup table "weight" [count, dim], as torch.nn.Embedding.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

class EmbeddingLayerImpl : public torch::nn::Module
{
public:
    EmbeddingLayerImpl(int64_t count, int64_t dim);
    torch::Tensor forward(const torch::Tensor& ids) const; // integer ids of any shape
    void resetParameters();

    torch::Tensor weight;
};
TORCH_MODULE(EmbeddingLayer);

} // namespace md::nn

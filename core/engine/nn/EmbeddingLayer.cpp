#include "engine/nn/EmbeddingLayer.h"

#include "engine/nn/ParameterInit.h"

#include <torch/torch.h>

namespace md::nn {

EmbeddingLayerImpl::EmbeddingLayerImpl(int64_t count, int64_t dim)
{
    weight = register_parameter("weight", torch::empty({count, dim}));
    if (!SkipParameterInit::active())
        resetParameters();
}

void EmbeddingLayerImpl::resetParameters()
{
    torch::NoGradGuard noGrad;
    weight.normal_(0.0, 1.0);
}

torch::Tensor EmbeddingLayerImpl::forward(const torch::Tensor& ids) const
{
    return torch::embedding(weight, ids.to(weight.device(), torch::kLong));
}

} // namespace md::nn

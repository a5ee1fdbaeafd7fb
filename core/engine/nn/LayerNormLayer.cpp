#include "engine/nn/LayerNormLayer.h"

#include "engine/nn/ParameterInit.h"

#include <torch/torch.h>

namespace md::nn {

LayerNormLayerImpl::LayerNormLayerImpl(int64_t dim, double eps) : m_dim(dim), m_eps(eps)
{
    weight = register_parameter("weight", torch::empty({dim}));
    bias = register_parameter("bias", torch::empty({dim}));
    if (!SkipParameterInit::active())
        resetParameters();
}

void LayerNormLayerImpl::resetParameters()
{
    torch::NoGradGuard noGrad;
    weight.fill_(1.0);
    bias.zero_();
}

torch::Tensor LayerNormLayerImpl::forward(const torch::Tensor& x) const
{
    return torch::layer_norm(x, {m_dim}, weight, bias, m_eps);
}

} // namespace md::nn

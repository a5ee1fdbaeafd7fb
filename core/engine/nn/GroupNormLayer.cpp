#include "engine/nn/GroupNormLayer.h"

#include "engine/nn/GroupNormStatistics.h"
#include "engine/nn/ParameterInit.h"
#include "engine/nn/TensorOps.h"

#include <torch/torch.h>

namespace md::nn {

GroupNormLayerImpl::GroupNormLayerImpl(int64_t groups, int64_t channels, double eps)
    : m_groups(groups), m_eps(eps)
{
    weight = register_parameter("weight", torch::empty({channels}));
    bias = register_parameter("bias", torch::empty({channels}));
    if (!SkipParameterInit::active())
        resetParameters();
}

void GroupNormLayerImpl::resetParameters()
{
    torch::NoGradGuard noGrad;
    weight.fill_(1.0);
    bias.zero_();
}

torch::Tensor GroupNormLayerImpl::forward(const torch::Tensor& x) const
{
    if (GroupNormStatistics* shared = GroupNormStatistics::active())
        return shared->normalize(x, m_groups, weight, bias, m_eps);
    return torch::group_norm(x, m_groups, weight, bias, m_eps);
}

torch::Tensor GroupNormLayerImpl::forwardSilu(const torch::Tensor& x) const
{
    return siluInplace(forward(x));
}

} // namespace md::nn

#include "engine/nn/Conv2dLayer.h"

#include "engine/nn/ParameterInit.h"

#include <cmath>
#include <torch/torch.h>

namespace md::nn {

Conv2dLayerImpl::Conv2dLayerImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                                 int64_t padding, bool hasBias)
    : m_stride(stride), m_padding(padding)
{
    weight = register_parameter("weight", torch::empty({out, in, kernel, kernel}));
    if (hasBias)
        bias = register_parameter("bias", torch::empty({out}));
    if (!SkipParameterInit::active())
        resetParameters();
}

void Conv2dLayerImpl::resetParameters()
{
    // torch.nn.Conv2d's default, as for Linear with fan_in = in * k * k.
    torch::NoGradGuard noGrad;
    const int64_t fanIn = weight.size(1) * weight.size(2) * weight.size(3);
    const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(1, fanIn)));
    weight.uniform_(-bound, bound);
    if (bias.defined())
        bias.uniform_(-bound, bound);
}

torch::Tensor Conv2dLayerImpl::forward(const torch::Tensor& x) const
{
    auto y = torch::conv2d(x, weight, bias, {m_stride, m_stride}, {m_padding, m_padding});
    if (adapters.empty() || !AdapterScales::anyActive())
        return y;
    return addConvAdapters(x, y, weight, bias, m_stride, m_padding, adapters, &stacked);
}

} // namespace md::nn

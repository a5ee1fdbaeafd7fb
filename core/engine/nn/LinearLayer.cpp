#include "engine/nn/LinearLayer.h"

#include "engine/nn/ParameterInit.h"

#include <cmath>
#include <torch/torch.h>

namespace md::nn {

LinearLayerImpl::LinearLayerImpl(int64_t in, int64_t out, bool hasBias)
{
    weight = register_parameter("weight", torch::empty({out, in}));
    if (hasBias)
        bias = register_parameter("bias", torch::empty({out}));
    if (!SkipParameterInit::active())
        resetParameters();
}

void LinearLayerImpl::resetParameters()
{
    // torch.nn.Linear's default: kaiming_uniform(a=sqrt(5)) == U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    torch::NoGradGuard noGrad;
    const double bound = 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(1, weight.size(1))));
    weight.uniform_(-bound, bound);
    if (bias.defined())
        bias.uniform_(-bound, bound);
}

torch::Tensor LinearLayerImpl::forward(const torch::Tensor& x) const
{
    // The ATen op, not torch::nn::functional::linear: the C++ frontend's version fuses the bias
    // only for 2-D inputs and otherwise runs matmul + a broadcast add, which cost the SDXL
    // UNet 17 % on the GPU (docs/benchmarks-gpu.md); at::linear folds [B, L, C] into one addmm.
    auto y = torch::linear(x, weight, bias);
    if (adapters.empty() || !AdapterScales::anyActive())
        return y;
    return addLinearAdapters(x, y, weight, bias, adapters, &stacked);
}

} // namespace md::nn

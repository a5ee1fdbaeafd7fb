#include "engine/nn/Upsample2D.h"

#include <torch/torch.h>
#include <torch/version.h>

namespace md::nn {

Upsample2DImpl::Upsample2DImpl(int64_t channels)
{
    m_conv = register_module("conv", Conv2dLayer(channels, channels, 3, 1, 1));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x, std::vector<int64_t> outputSize)
{
    if (outputSize.empty())
        outputSize = {x.size(2) * 2, x.size(3) * 2};
    auto input = x;
#if TORCH_VERSION_MAJOR < 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR < 1)
    // Older nearest-neighbour kernels lack bfloat16 (diffusers casts the same way).
    if (input.scalar_type() == torch::kBFloat16)
        input = input.to(torch::kFloat);
#endif
    auto up = torch::upsample_nearest2d(input, outputSize);
    if (up.scalar_type() != x.scalar_type())
        up = up.to(x.scalar_type());
    return m_conv(up);
}

} // namespace md::nn

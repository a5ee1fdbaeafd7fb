#include "engine/nn/TimestepEmbedding.h"

#include "engine/nn/TensorOps.h"

#include <cmath>
#include <torch/torch.h>

namespace md::nn {

torch::Tensor sinusoidalTimestepEmbedding(const torch::Tensor& timesteps, int64_t dim,
                                          bool flipSinToCos, double freqShift)
{
    const int64_t half = dim / 2;
    auto options = torch::TensorOptions().dtype(torch::kFloat).device(timesteps.device());
    // Same operation order as diffusers, so float32 rounding matches.
    auto exponent = torch::arange(0, half, options) * (-std::log(10000.0));
    exponent = exponent / (static_cast<double>(half) - freqShift);
    auto args = timesteps.to(torch::kFloat).unsqueeze(1) * torch::exp(exponent).unsqueeze(0);
    auto emb = flipSinToCos ? torch::cat({torch::cos(args), torch::sin(args)}, -1)
                            : torch::cat({torch::sin(args), torch::cos(args)}, -1);
    if (dim % 2 == 1)
        emb = torch::constant_pad_nd(emb, {0, 1}, 0);
    return emb;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t inDim, int64_t timeEmbedDim)
{
    m_linear1 = register_module("linear_1", LinearLayer(inDim, timeEmbedDim));
    m_linear2 = register_module("linear_2", LinearLayer(timeEmbedDim, timeEmbedDim));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& projected)
{
    return m_linear2(siluInplace(m_linear1(projected)));
}

} // namespace md::nn

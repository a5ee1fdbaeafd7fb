#pragma once

// The UNet's time conditioning: the sinusoidal projection of the timestep (diffusers'
// get_timestep_embedding / Timesteps), then "linear_1", SiLU, "linear_2".

#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace md::nn {

// timesteps [B] (integer or floating) -> [B, dim] float32: exp(-ln(10000) i / (dim/2 - shift))
// frequencies, [sin, cos] halves, or [cos, sin] with flipSinToCos (Stable Diffusion).
torch::Tensor sinusoidalTimestepEmbedding(const torch::Tensor& timesteps, int64_t dim,
                                          bool flipSinToCos, double freqShift);

class TimestepEmbeddingImpl : public torch::nn::Module
{
public:
    TimestepEmbeddingImpl(int64_t inDim, int64_t timeEmbedDim);
    torch::Tensor forward(const torch::Tensor& projected);

private:
    LinearLayer m_linear1{nullptr};
    LinearLayer m_linear2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

} // namespace md::nn

#include "engine/sampling/Rng.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace md {

Rng::Rng(std::uint64_t seed) : m_seed(seed), m_generator(at::detail::createCPUGenerator(seed)) {}

torch::Tensor Rng::randn(at::IntArrayRef shape)
{
    return at::randn(shape, m_generator, torch::TensorOptions().dtype(torch::kFloat32));
}

torch::Tensor Rng::rand(at::IntArrayRef shape)
{
    return at::rand(shape, m_generator, torch::TensorOptions().dtype(torch::kFloat32));
}

torch::Tensor Rng::randint(std::int64_t low, std::int64_t high, at::IntArrayRef shape)
{
    return at::randint(low, high, shape, m_generator, torch::TensorOptions().dtype(torch::kInt64));
}

} // namespace md

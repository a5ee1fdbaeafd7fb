#pragma once

// The seed contract (fixtures/README.md): ONE CPU generator per request, seeded with the
// user's seed (mt19937, the same numbers as Python's torch.Generator("cpu").manual_seed(S)),
// drawn from in a fixed order. Every draw happens on the CPU in float32 (int64 for randint);
// the caller moves the result to its device and dtype. So a seed gives the same picture on
// any device and in diffusers.

#include <ATen/core/Generator.h>
#include <cstdint>
#include <torch/types.h>

namespace md {

class Rng
{
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t seed() const { return m_seed; }

    // Standard normal, float32, CPU.
    torch::Tensor randn(at::IntArrayRef shape);
    // Uniform [0, 1), float32, CPU.
    torch::Tensor rand(at::IntArrayRef shape);
    // Integers in [low, high), int64, CPU.
    torch::Tensor randint(std::int64_t low, std::int64_t high, at::IntArrayRef shape);

private:
    std::uint64_t m_seed;
    at::Generator m_generator;
};

} // namespace md

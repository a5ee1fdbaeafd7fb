#include "training/NoiseField.h"

#include <algorithm>
#include <cmath>

namespace md {

namespace F = torch::nn::functional;

namespace {

constexpr int64_t kMask32 = 0xffffffffLL;

torch::Tensor shiftRight(const torch::Tensor& h, int bits)
{
    return torch::div(h, int64_t(1) << bits, "floor");
}

} // namespace

NoiseField::NoiseField(int height, int width, torch::Device device)
    : m_height(height), m_width(width), m_device(device)
{
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    auto ys = (torch::arange(height, opts) + 0.5) / double(height);
    auto xs = (torch::arange(width, opts) + 0.5) / double(height);
    m_y = ys.view({height, 1}).expand({height, width}).contiguous();
    m_x = xs.view({1, width}).expand({height, width}).contiguous();
}

torch::Tensor NoiseField::hash(const torch::Tensor& ix, const torch::Tensor& iy,
                               uint64_t seed) const
{
    const int64_t s = static_cast<int64_t>((seed ^ (seed >> 31)) & 0x7fffffffULL);
    auto h = torch::bitwise_and(ix * 374761393 + iy * 668265263 + s * 1442695041, kMask32);
    h = torch::bitwise_and(torch::bitwise_xor(h, shiftRight(h, 13)) * 1274126177, kMask32);
    h = torch::bitwise_and(torch::bitwise_xor(h, shiftRight(h, 16)) * 1597334677, kMask32);
    h = torch::bitwise_xor(h, shiftRight(h, 15));
    return h.to(torch::kFloat32) / 4294967296.0;
}

torch::Tensor NoiseField::white(uint64_t seed) const
{
    auto opts = torch::TensorOptions().dtype(torch::kInt64).device(m_device);
    auto ix = torch::arange(m_width, opts).view({1, m_width});
    auto iy = torch::arange(m_height, opts).view({m_height, 1});
    return hash(ix, iy, seed);
}

torch::Tensor NoiseField::smooth(int cellsX, int cellsY, uint64_t seed) const
{
    cellsX = std::max(cellsX, 1);
    cellsY = std::max(cellsY, 1);
    auto opts = torch::TensorOptions().dtype(torch::kInt64).device(m_device);
    auto ix = torch::arange(cellsX + 1, opts).view({1, cellsX + 1});
    auto iy = torch::arange(cellsY + 1, opts).view({cellsY + 1, 1});
    auto lattice = hash(ix, iy, seed).view({1, 1, cellsY + 1, cellsX + 1});
    auto out = F::interpolate(lattice, F::InterpolateFuncOptions()
                                           .size(std::vector<int64_t>{m_height, m_width})
                                           .mode(torch::kBicubic)
                                           .align_corners(true));
    return out.view({m_height, m_width}).clamp(0.0, 1.0);
}

torch::Tensor NoiseField::fractal(int cells, int octaves, uint64_t seed, double stretch) const
{
    torch::Tensor sum;
    double amplitude = 1.0;
    double total = 0.0;
    for (int o = 0; o < octaves; ++o) {
        const int cy = std::min(cells << o, m_height);
        const int cx = std::min(std::max(1, int(std::lround(cy * aspect() / stretch))), m_width);
        auto layer = smooth(cx, cy, seed * 7919 + uint64_t(o) * 104729 + 17) * amplitude;
        sum = sum.defined() ? sum + layer : layer;
        total += amplitude;
        amplitude *= 0.5;
    }
    return sum / total;
}

torch::Tensor NoiseField::profile(int cells, int octaves, uint64_t seed) const
{
    auto opts = torch::TensorOptions().dtype(torch::kInt64).device(m_device);
    torch::Tensor sum;
    double amplitude = 1.0;
    double total = 0.0;
    for (int o = 0; o < octaves; ++o) {
        const int c = std::max(1, std::min(int(std::lround((cells << o) * aspect())), m_width));
        auto ix = torch::arange(c + 1, opts);
        auto lattice = hash(ix, torch::zeros_like(ix), seed * 6151 + uint64_t(o) * 3571 + 5);
        auto line =
            F::interpolate(lattice.view({1, 1, c + 1}), F::InterpolateFuncOptions()
                                                            .size(std::vector<int64_t>{m_width})
                                                            .mode(torch::kLinear)
                                                            .align_corners(true))
                .view({m_width}) *
            amplitude;
        sum = sum.defined() ? sum + line : line;
        total += amplitude;
        amplitude *= 0.5;
    }
    return sum / total;
}

} // namespace md

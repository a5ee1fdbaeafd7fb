#pragma once

// Seeded procedural noise made of libtorch tensor operations only, so it runs on whatever
// device the canvas lives on and gives the same values for the same seed there. Values come
// from an integer hash of (cell x, cell y, seed), not from a random generator's state.

#include <cstdint>
#include <torch/torch.h>

namespace md {

class NoiseField
{
public:
    NoiseField(int height, int width, torch::Device device);

    int height() const { return m_height; }
    int width() const { return m_width; }
    torch::Device device() const { return m_device; }

    // Pixel-centre coordinates [H, W]: y in [0, 1] top to bottom, x in [0, W/H] (so that
    // distances are isotropic and measured in canvas heights).
    const torch::Tensor& x() const { return m_x; }
    const torch::Tensor& y() const { return m_y; }
    double aspect() const { return double(m_width) / double(m_height); }

    // Uniform [0, 1) hash of integer coordinate tensors (broadcast together) and a seed.
    torch::Tensor hash(const torch::Tensor& ix, const torch::Tensor& iy, uint64_t seed) const;
    // White noise [H, W] in [0, 1).
    torch::Tensor white(uint64_t seed) const;
    // Smooth value noise [H, W] in about [0, 1]: a (cellsY+1) x (cellsX+1) lattice of
    // hashed values, interpolated bicubically over the canvas.
    torch::Tensor smooth(int cellsX, int cellsY, uint64_t seed) const;
    // Fractal sum of `octaves` smooth layers from `cells` lattice cells per canvas height
    // (stretch > 1 elongates features horizontally), normalised to about [0, 1].
    torch::Tensor fractal(int cells, int octaves, uint64_t seed, double stretch = 1.0) const;
    // 1-D smooth fractal along x: [W] in about [0, 1].
    torch::Tensor profile(int cells, int octaves, uint64_t seed) const;

private:
    int m_height;
    int m_width;
    torch::Device m_device;
    torch::Tensor m_x;
    torch::Tensor m_y;
};

} // namespace md

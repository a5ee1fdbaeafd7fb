#include "engine/embedded/MaskShapes.h"

#include <cmath>
#include <random>

namespace md::test {

namespace {

// Pixel-centre coordinates, [H, W] each.
std::pair<torch::Tensor, torch::Tensor> grid(int height, int width)
{
    auto y =
        torch::arange(height, torch::kFloat32).add_(0.5).view({height, 1}).expand({height, width});
    auto x =
        torch::arange(width, torch::kFloat32).add_(0.5).view({1, width}).expand({height, width});
    return {x, y};
}

// Uniform in [0, 1) from the engine's raw bits (the same on every standard library).
double uniform(std::mt19937_64& rng)
{
    return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}

} // namespace

torch::Tensor MaskShapes::box(int height, int width, const Box& b)
{
    auto m = torch::zeros({height, width});
    const int x0 = std::clamp(b.x, 0, width), x1 = std::clamp(b.x + b.width, 0, width);
    const int y0 = std::clamp(b.y, 0, height), y1 = std::clamp(b.y + b.height, 0, height);
    if (x1 > x0 && y1 > y0)
        m.slice(0, y0, y1).slice(1, x0, x1).fill_(1.0);
    return m;
}

torch::Tensor MaskShapes::ellipse(int height, int width, double cx, double cy, double rx, double ry)
{
    auto [x, y] = grid(height, width);
    auto d = ((x - cx) / rx).pow(2) + ((y - cy) / ry).pow(2);
    return (d <= 1.0).to(torch::kFloat32);
}

torch::Tensor MaskShapes::halfPlane(int height, int width, double a, double b, double c)
{
    auto [x, y] = grid(height, width);
    return (x * a + y * b + c >= 0).to(torch::kFloat32);
}

torch::Tensor MaskShapes::blob(int height, int width, double cx, double cy, double radius,
                               uint64_t seed)
{
    std::mt19937_64 rng(seed);
    auto [x, y] = grid(height, width);
    auto paint = torch::zeros({height, width});
    double px = cx, py = cy;
    double heading = uniform(rng) * 2.0 * M_PI;
    const int dabs = 24;
    for (int i = 0; i < dabs; ++i) {
        const double r = radius * (0.55 + 0.45 * uniform(rng));
        auto d = ((x - px).pow(2) + (y - py).pow(2)).sqrt();
        paint = torch::maximum(paint, (1.0 - (d - r) / (0.35 * radius)).clamp(0.0, 1.0));
        heading += (uniform(rng) - 0.5) * 1.6;
        px += std::cos(heading) * radius * 0.22;
        py += std::sin(heading) * radius * 0.22;
        // Stay near the centre: a brush that wanders back.
        px += (cx - px) * 0.15;
        py += (cy - py) * 0.15;
    }
    return (paint >= 0.5).to(torch::kFloat32);
}

torch::Tensor MaskShapes::minus(const torch::Tensor& mask, const torch::Tensor& cut)
{
    return mask * (1.0 - cut);
}

MaskImage MaskShapes::toMaskImage(const torch::Tensor& mask)
{
    MaskImage out;
    out.height = static_cast<int>(mask.size(0));
    out.width = static_cast<int>(mask.size(1));
    auto m = mask.to(torch::kFloat32).contiguous();
    out.values.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
    return out;
}

} // namespace md::test

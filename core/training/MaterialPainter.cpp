#include "training/MaterialPainter.h"

#include "training/Paint.h"

#include <cmath>

namespace md {

using paint::jitter;
using paint::mix;
using paint::rgb;
using paint::smoothstep;

namespace {
constexpr double kTwoPi = 6.283185307179586;
}

torch::Tensor MaterialPainter::sea(SceneRandom& rnd, Span span) const
{
    const auto dev = m_f.device();
    const Rgb deep = jitter({0.04f, 0.18f, 0.45f}, 0.04f, rnd);
    const Rgb light = jitter({0.10f, 0.34f, 0.64f}, 0.05f, rnd);
    double horizon = span.top;
    const bool withSky = span.top <= 0.0 && rnd.chance(0.35);
    if (withSky)
        horizon = rnd.uniform(0.12, 0.4);
    auto depth = ((m_f.y() - horizon) / std::max(1.0 - horizon, 1e-3)).clamp(0.0, 1.0);
    auto out = mix(rgb(light, dev), rgb(deep, dev), depth.sqrt());
    // Waves: horizontal crests, closer together towards the horizon.
    const double freq = rnd.uniform(10.0, 28.0);
    auto warp = m_f.fractal(3, 3, rnd.seed(), 3.0);
    auto phase = (depth + 0.05).log() * freq * 0.35 + warp * rnd.uniform(1.0, 3.0);
    auto crest = torch::sin(phase * kTwoPi) * m_f.smooth(int(30 * m_f.aspect()), 6, rnd.seed());
    out = out * (1.0 + 0.18 * crest).unsqueeze(0);
    if (rnd.chance(0.5)) { // white caps
        auto caps = smoothstep(0.82, 0.95, crest) * rnd.uniform(0.4, 0.9);
        out = mix(out, rgb({0.92f, 0.95f, 0.98f}, dev), caps);
    }
    if (withSky) {
        auto skyImg = m_sky.sky(rnd, {0.0, horizon}, std::nullopt);
        out = mix(skyImg, out, paint::fill(horizon - m_f.y(), m_f.height()));
    }
    return out.clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::water(SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const Rgb a = jitter({0.10f, 0.45f, 0.64f}, 0.05f, rnd);
    const Rgb b = jitter({0.26f, 0.64f, 0.80f}, 0.05f, rnd);
    auto out = mix(rgb(a, dev), rgb(b, dev), m_f.fractal(2, 3, rnd.seed()));
    if (rnd.chance(0.5)) { // ripples around a point
        const double cx = rnd.uniform(-0.3, 1.3) * m_f.aspect(), cy = rnd.uniform(-0.3, 1.3);
        auto d = torch::sqrt((m_f.x() - cx).pow(2) + (m_f.y() - cy).pow(2));
        auto warp = m_f.fractal(3, 3, rnd.seed());
        auto ring = torch::sin((d * rnd.uniform(8.0, 20.0) + warp * 0.6) * kTwoPi);
        out = out * (1.0 + 0.12 * ring).unsqueeze(0);
    }
    // Caustic highlights: thin bright lines where a noise crosses its middle value.
    auto n = m_f.fractal(3 + rnd.index(3), 3, rnd.seed());
    auto lines = 1.0 - smoothstep(0.0, rnd.uniform(0.02, 0.05), (n - 0.5).abs());
    out = mix(out, rgb({0.75f, 0.92f, 0.97f}, dev), lines * rnd.uniform(0.25, 0.6));
    return out.clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::grass(SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const Rgb dark = jitter({0.12f, 0.38f, 0.08f}, 0.04f, rnd);
    Rgb bright = jitter({0.36f, 0.68f, 0.16f}, 0.05f, rnd);
    if (rnd.chance(0.15))
        bright = jitter({0.62f, 0.66f, 0.22f}, 0.04f, rnd); // dry patches
    auto patches = m_f.fractal(2, 4, rnd.seed());
    const int across = std::min(m_f.width(), int(m_f.width() / 3 + 1));
    auto blades = m_f.smooth(across, std::max(4, m_f.height() / 24), rnd.seed());
    auto blades2 = m_f.smooth(across / 2 + 1, std::max(3, m_f.height() / 40), rnd.seed());
    auto t = (0.45 * patches + 0.35 * blades + 0.2 * blades2).clamp(0.0, 1.0);
    auto out = mix(rgb(dark, dev), rgb(bright, dev), smoothstep(0.3, 0.75, t));
    return (out * (0.9 + 0.2 * m_f.white(rnd.seed())).unsqueeze(0)).clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::sand(SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const Rgb base = jitter({0.87f, 0.75f, 0.50f}, 0.05f, rnd);
    auto out = rgb(base, dev) * (0.9 + 0.2 * m_f.fractal(2, 4, rnd.seed())).unsqueeze(0);
    const double freq = rnd.uniform(8.0, 25.0);
    auto warp = m_f.fractal(2, 3, rnd.seed(), 0.5);
    auto ripple = torch::sin((m_f.y() * freq + warp * 2.0) * kTwoPi);
    out = out * (1.0 + rnd.uniform(0.03, 0.08) * ripple).unsqueeze(0);
    out = out * (0.92 + 0.16 * m_f.white(rnd.seed())).unsqueeze(0);
    return out.clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::snow(SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const Rgb white = jitter({0.95f, 0.96f, 0.99f}, 0.02f, rnd);
    const Rgb shade = jitter({0.76f, 0.83f, 0.95f}, 0.04f, rnd);
    auto n = m_f.fractal(2, 5, rnd.seed(), rnd.uniform(0.8, 2.5));
    auto out = mix(rgb(white, dev), rgb(shade, dev), smoothstep(0.45, 0.8, n));
    auto sparkle = smoothstep(0.985, 1.0, m_f.white(rnd.seed()));
    return mix(out, rgb({1.f, 1.f, 1.f}, dev), sparkle).clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::forest(SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    auto out = rgb(jitter({0.05f, 0.17f, 0.07f}, 0.03f, rnd), dev) *
               (0.7 + 0.6 * m_f.fractal(3, 4, rnd.seed())).unsqueeze(0);
    out = out.expand({3, m_f.height(), m_f.width()}).contiguous();
    if (rnd.chance(0.4))
        out = mix(out, m_sky.sky(rnd, {0.0, 0.4}, std::nullopt),
                  paint::fill(m_f.y() - rnd.uniform(0.15, 0.35), m_f.height()));
    const int rows = 3 + rnd.index(2);
    const auto opts = out.options();
    for (int r = 0; r < rows; ++r) {
        const double depth = double(r) / double(rows - 1);
        const int n = int((6 + rnd.index(8)) * m_f.aspect() * (1.0 - 0.4 * depth)) + 2;
        std::vector<float> cx(n), apex(n), base(n), half(n);
        for (int i = 0; i < n; ++i) {
            cx[size_t(i)] = float((i + rnd.uniform(-0.4, 0.4)) / (n - 1) * m_f.aspect());
            const double h = rnd.uniform(0.3, 0.6) * (0.6 + 0.6 * depth);
            base[size_t(i)] = float(0.35 + 0.75 * depth + rnd.uniform(-0.05, 0.05));
            apex[size_t(i)] = base[size_t(i)] - float(h);
            half[size_t(i)] = float(h * rnd.uniform(0.25, 0.4));
        }
        auto vec = [&](const std::vector<float>& v) {
            auto t = torch::tensor(v).view({n, 1, 1});
            return opts.device().is_cpu() ? t : t.to(opts.device(), /*non_blocking=*/true);
        };
        auto x = m_f.x().unsqueeze(0), y = m_f.y().unsqueeze(0);
        auto rel = ((y - vec(apex)) / (vec(base) - vec(apex))).clamp(0.0, 1.0);
        auto jag = 0.82 + 0.18 * torch::sin(rel * 30.0).abs();
        auto sdf = torch::maximum((x - vec(cx)).abs() - vec(half) * rel * jag,
                                  torch::maximum(vec(apex) - y, y - vec(base) - 0.2));
        auto cover = std::get<0>(paint::fill(sdf, m_f.height()).max(0));
        Rgb far = jitter({0.22f, 0.38f, 0.30f}, 0.04f, rnd);
        Rgb nearC = jitter({0.06f, 0.30f, 0.08f}, 0.05f, rnd);
        auto tone = rgb(paint::lerp(far, nearC, float(depth)), dev) *
                    (0.75 + 0.5 * m_f.fractal(6, 3, rnd.seed())).unsqueeze(0);
        out = mix(out, tone, cover);
    }
    return out.clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::brickWall(SceneRandom& rnd, const std::optional<Rgb>& tint) const
{
    const auto dev = m_f.device();
    const Rgb brick = jitter(tint ? *tint : Rgb{0.62f, 0.22f, 0.14f}, 0.05f, rnd);
    const Rgb mortar = rnd.chance(0.8) ? jitter({0.78f, 0.76f, 0.72f}, 0.05f, rnd)
                                       : jitter({0.30f, 0.28f, 0.27f}, 0.05f, rnd);
    const double rowH = 1.0 / rnd.uniform(6.0, 16.0);
    const double brickW = rowH * rnd.uniform(1.8, 2.8);
    const double gap = rnd.uniform(0.07, 0.14);
    auto row = torch::floor(m_f.y() / rowH + rnd.uniform(0.0, 1.0));
    auto shifted = m_f.x() + torch::remainder(row, 2.0) * (brickW * 0.5);
    auto col = torch::floor(shifted / brickW);
    auto fy = frac(m_f.y() / rowH), fx = frac(shifted / brickW);
    const double gx = gap * rowH / brickW;
    auto inBrick = smoothstep(0.0, 0.02, fy - gap) * smoothstep(0.0, 0.02, fx - gx);
    auto id = m_f.hash(col.to(torch::kInt64) + 1000, row.to(torch::kInt64) + 1000, rnd.seed());
    auto tone = (0.8 + 0.35 * id) * (0.9 + 0.2 * m_f.fractal(8, 3, rnd.seed()));
    auto bricks = rgb(brick, dev) * tone.unsqueeze(0);
    auto out =
        mix(rgb(mortar, dev) * (0.9 + 0.2 * m_f.white(rnd.seed())).unsqueeze(0), bricks, inBrick);
    return out.clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::wood(SceneRandom& rnd, const std::optional<Rgb>& tint) const
{
    const auto dev = m_f.device();
    const Rgb base = jitter(tint ? *tint : Rgb{0.55f, 0.34f, 0.17f}, 0.05f, rnd);
    const bool vertical = rnd.chance(0.5);
    auto across = vertical ? m_f.x() : m_f.y();
    const double plank = rnd.uniform(0.12, 0.35);
    auto index = torch::floor(across / plank);
    auto id = m_f.hash(index.to(torch::kInt64) + 77, torch::zeros_like(index).to(torch::kInt64),
                       rnd.seed());
    auto warp = vertical ? m_f.fractal(2, 4, rnd.seed(), 0.25) : m_f.fractal(2, 4, rnd.seed(), 4.0);
    const double freq = rnd.uniform(18.0, 45.0);
    auto grain = torch::sin((across * freq + warp * rnd.uniform(2.0, 5.0) + id * 7.0) * kTwoPi);
    auto tone = (0.8 + 0.3 * id) * (1.0 + 0.12 * grain) *
                (0.92 + 0.16 * m_f.fractal(4, 3, rnd.seed(), 3.0));
    auto seam = smoothstep(0.0, 0.03, frac(across / plank)) *
                smoothstep(0.0, 0.03, 1.0 - frac(across / plank));
    auto out = rgb(base, dev) * (tone * (0.55 + 0.45 * seam)).unsqueeze(0);
    return out.clamp(0.0, 1.0);
}

torch::Tensor MaterialPainter::stone(SceneRandom& rnd, const std::optional<Rgb>& tint) const
{
    const auto dev = m_f.device();
    const Rgb base = jitter(tint ? *tint : Rgb{0.52f, 0.51f, 0.49f}, 0.05f, rnd);
    auto rough = m_f.fractal(3, 5, rnd.seed());
    torch::Tensor tone;
    if (rnd.chance(0.5)) { // rough rock with cracks
        auto crackNoise = m_f.fractal(2 + rnd.index(3), 4, rnd.seed());
        auto crack = 1.0 - smoothstep(0.0, 0.02, (crackNoise - 0.5).abs());
        tone = (0.7 + 0.6 * rough) * (1.0 - 0.55 * crack);
    } else { // cobbles / blocks on a warped grid
        const double cell = 1.0 / rnd.uniform(3.0, 9.0);
        auto u = m_f.x() / cell + (m_f.fractal(2, 3, rnd.seed()) - 0.5) * 1.2;
        auto v = m_f.y() / cell + (m_f.fractal(2, 3, rnd.seed()) - 0.5) * 1.2;
        auto id = m_f.hash(torch::floor(u).to(torch::kInt64) + 500,
                           torch::floor(v).to(torch::kInt64) + 500, rnd.seed());
        auto edge = torch::minimum(torch::minimum(frac(u), 1.0 - frac(u)),
                                   torch::minimum(frac(v), 1.0 - frac(v)));
        auto inside = smoothstep(0.03, 0.12, edge);
        tone = (0.7 + 0.4 * id) * (0.85 + 0.3 * rough) * (0.45 + 0.55 * inside);
    }
    return (rgb(base, dev) * tone.unsqueeze(0)).clamp(0.0, 1.0);
}

} // namespace md

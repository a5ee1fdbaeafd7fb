#include "training/SkyPainter.h"

#include "training/Paint.h"

#include <cmath>

namespace md {

using paint::jitter;
using paint::mix;
using paint::rgb;
using paint::smoothstep;

torch::Tensor SkyPainter::spanT(Span span) const
{
    const double h = std::max(span.bottom - span.top, 1e-3);
    return ((m_f.y() - span.top) / h).clamp(0.0, 1.0);
}

torch::Tensor SkyPainter::sky(SceneRandom& rnd, Span span, const std::optional<Rgb>& tint) const
{
    const auto dev = m_f.device();
    Rgb top = jitter({0.12f, 0.33f, 0.80f}, 0.06f, rnd);
    Rgb bottom = jitter({0.56f, 0.76f, 0.96f}, 0.05f, rnd);
    if (tint) {
        top = jitter(paint::scaled(*tint, 0.85f), 0.04f, rnd);
        bottom = jitter(paint::lerp(*tint, {1.f, 1.f, 1.f}, 0.4f), 0.04f, rnd);
    }
    auto t = spanT(span).pow(rnd.uniform(0.6, 1.6));
    auto out = mix(rgb(top, dev), rgb(bottom, dev), t);
    if (rnd.chance(0.35)) { // faint wisps
        auto n = m_f.fractal(2, 4, rnd.seed(), rnd.uniform(2.0, 4.0));
        auto a = smoothstep(0.55, 0.8, n) * rnd.uniform(0.25, 0.6);
        out = mix(out, rgb({0.97f, 0.97f, 0.98f}, dev), a);
    }
    return out;
}

torch::Tensor SkyPainter::nightSky(SceneRandom& rnd, Span span) const
{
    const auto dev = m_f.device();
    const Rgb top = jitter({0.01f, 0.015f, 0.06f}, 0.01f, rnd);
    const Rgb bottom = jitter({0.06f, 0.08f, 0.22f}, 0.03f, rnd);
    auto out = mix(rgb(top, dev), rgb(bottom, dev), spanT(span).pow(rnd.uniform(0.8, 2.0)));
    // Stars: the peaks of a fine lattice, a few canvas pixels wide whatever the size.
    const int cells = std::min(m_f.height(), 110);
    auto peaks = m_f.smooth(int(cells * m_f.aspect()), cells, rnd.seed());
    const double threshold = rnd.uniform(0.88, 0.94);
    auto stars = smoothstep(threshold, threshold + 0.05, peaks);
    auto twinkle = 0.55 + 0.45 * m_f.smooth(12, 12, rnd.seed());
    out = mix(out, rgb({1.f, 0.98f, 0.9f}, dev), stars * twinkle);
    if (rnd.chance(0.3)) { // a faint milky band
        auto n = m_f.fractal(3, 4, rnd.seed(), 3.0);
        const double slope = rnd.uniform(-0.6, 0.6), c = rnd.uniform(0.2, 0.8);
        auto band = torch::exp(-(m_f.y() - c - slope * (m_f.x() - 0.5)).pow(2) / 0.01);
        out = out + band.unsqueeze(0) * n.unsqueeze(0) * 0.12;
    }
    return out.clamp(0.0, 1.0);
}

torch::Tensor SkyPainter::sunset(SceneRandom& rnd, Span span) const
{
    const auto dev = m_f.device();
    const Rgb c0 = jitter({0.24f, 0.12f, 0.40f}, 0.06f, rnd);
    const Rgb c1 = jitter({0.92f, 0.40f, 0.36f}, 0.06f, rnd);
    const Rgb c2 = jitter({1.00f, 0.62f, 0.20f}, 0.05f, rnd);
    const Rgb c3 = jitter({1.00f, 0.84f, 0.45f}, 0.05f, rnd);
    auto t = spanT(span);
    const double m1 = rnd.uniform(0.3, 0.55), m2 = rnd.uniform(0.65, 0.85);
    auto out = mix(rgb(c0, dev), rgb(c1, dev), smoothstep(0.0, m1, t));
    out = mix(out, rgb(c2, dev), smoothstep(m1, m2, t));
    out = mix(out, rgb(c3, dev), smoothstep(m2, 1.0, t));
    const double horizon = span.top + (span.bottom - span.top) * rnd.uniform(0.7, 0.95);
    if (rnd.chance(0.5)) { // pink streaks of cloud
        auto n = m_f.fractal(3, 4, rnd.seed(), rnd.uniform(4.0, 8.0));
        auto a = smoothstep(0.55, 0.7, n) * rnd.uniform(0.3, 0.7) *
                 (1.0 - smoothstep(horizon - 0.1, horizon, m_f.y()));
        out = mix(out, rgb(jitter({0.85f, 0.35f, 0.45f}, 0.08f, rnd), dev), a);
    }
    if (rnd.chance(0.5)) { // the sun sinking at the horizon
        const double cx = rnd.uniform(0.2, 0.8) * m_f.aspect(), r = rnd.uniform(0.06, 0.14);
        auto d = torch::sqrt((m_f.x() - cx).pow(2) + (m_f.y() - horizon).pow(2));
        auto glow = torch::exp(-(d - r).clamp_min(0.0) / (r * 1.5)) * 0.5;
        out = mix(out, rgb({1.f, 0.9f, 0.55f}, dev),
                  torch::maximum(paint::fill(d - r, m_f.height()), glow));
    }
    if (span.bottom >= 0.999 && rnd.chance(0.45)) { // dark land or water below the horizon
        auto below = paint::fill(horizon - m_f.y(), m_f.height());
        if (rnd.chance(0.5)) {
            out = mix(out, rgb(jitter({0.10f, 0.05f, 0.10f}, 0.04f, rnd), dev), below);
        } else {
            auto streaks = m_f.smooth(4, int(40 * rnd.uniform(0.7, 1.3)), rnd.seed());
            auto water = mix(rgb({0.25f, 0.10f, 0.22f}, dev), rgb(c2, dev),
                             smoothstep(0.5, 0.9, streaks) * 0.8);
            out = mix(out, water, below);
        }
    }
    return out.clamp(0.0, 1.0);
}

torch::Tensor SkyPainter::clouds(SceneRandom& rnd, Span span) const
{
    const auto dev = m_f.device();
    const bool overcast = rnd.chance(0.2);
    auto base = sky(rnd, span, std::nullopt);
    auto n = m_f.fractal(2, 5, rnd.seed(), rnd.uniform(1.0, 2.2));
    const double cover = overcast ? 1.0 : rnd.uniform(0.35, 0.9);
    const double th = 0.62 - 0.26 * cover;
    auto a = overcast ? torch::ones_like(n) : smoothstep(th - 0.04, th + 0.08, n);
    auto shade = m_f.fractal(3, 4, rnd.seed());
    const float light = float(rnd.uniform(0.9, 1.0));
    const float dark = overcast ? float(rnd.uniform(0.55, 0.75)) : float(rnd.uniform(0.68, 0.85));
    auto cloud = mix(rgb({dark, dark, dark + 0.03f}, dev), rgb({light, light, light}, dev),
                     smoothstep(0.35, 0.65, shade + (n - th) * 0.8));
    return mix(base, cloud, a).clamp(0.0, 1.0);
}

SurfaceImage SkyPainter::mountains(SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    torch::Tensor out;
    const double pick = rnd.uniform();
    if (pick < 0.6)
        out = sky(rnd, {0.0, 0.7}, std::nullopt);
    else if (pick < 0.8)
        out = clouds(rnd, {0.0, 0.7});
    else
        out = sunset(rnd, {0.0, 0.7});
    const int layers = 2 + rnd.index(2);
    torch::Tensor front = torch::zeros({m_f.height(), m_f.width()}, out.options());
    for (int i = 0; i < layers; ++i) {
        const double depth = double(i) / double(layers - 1); // 0 far, 1 near
        const double base = 0.45 + 0.35 * depth + rnd.uniform(-0.05, 0.05);
        const double amp = rnd.uniform(0.2, 0.4) * (1.0 - 0.4 * depth);
        auto ridge = base - amp * m_f.profile(2 + rnd.index(3), 5, rnd.seed());
        auto ridgeMap = ridge.view({1, m_f.width()});
        auto inside = paint::fill(ridgeMap - m_f.y(), m_f.height());
        Rgb farC = jitter({0.55f, 0.60f, 0.72f}, 0.05f, rnd);
        Rgb nearC = rnd.chance(0.3) ? jitter({0.20f, 0.32f, 0.16f}, 0.04f, rnd)
                                    : jitter({0.32f, 0.32f, 0.35f}, 0.05f, rnd);
        Rgb c = paint::lerp(farC, nearC, float(depth));
        auto rock = m_f.fractal(4, 5, rnd.seed(), 0.7);
        auto layer = rgb(c, dev) * (0.75 + 0.5 * rock).unsqueeze(0);
        if (depth < 0.99 || rnd.chance(0.3)) { // snow caps below the highest peaks
            const double peak = ridge.min().item<double>();
            const double line = peak + amp * rnd.uniform(0.15, 0.35);
            auto wobble = (m_f.fractal(6, 3, rnd.seed()) - 0.5) * 0.05;
            auto cap = smoothstep(0.0, 0.01, line + wobble - m_f.y());
            layer = mix(layer, rgb({0.94f, 0.95f, 0.98f}, dev) * (0.85 + 0.15 * rock).unsqueeze(0),
                        cap);
        }
        out = mix(out, layer, inside);
        front = torch::maximum(front, inside);
    }
    return {out.clamp(0.0, 1.0), front};
}

} // namespace md

#include "training/ObjectPainter.h"

#include "training/Paint.h"

#include <cmath>

namespace md {

using paint::jitter;
using paint::mix;
using paint::rgb;
using paint::smoothstep;

namespace {
constexpr double kPi = 3.141592653589793;
}

ObjectImage ObjectPainter::paint(const ObjectPlacement& p, SceneRandom& rnd) const
{
    switch (p.thing) {
    case Thing::Sun:
        return sun(p, rnd);
    case Thing::Moon:
        return moon(p, rnd);
    case Thing::Ball:
        return ball(p, rnd);
    case Thing::Box:
        return box(p, rnd);
    case Thing::Tree:
        return tree(p, rnd);
    case Thing::House:
        return house(p, rnd);
    case Thing::Star:
        return star(p, rnd);
    }
    return ball(p, rnd);
}

torch::Tensor ObjectPainter::distance(double cx, double cy) const
{
    return torch::sqrt((m_f.x() - cx).pow(2) + (m_f.y() - cy).pow(2));
}

torch::Tensor ObjectPainter::rect(double x0, double y0, double x1, double y1) const
{
    return torch::maximum(torch::maximum(x0 - m_f.x(), m_f.x() - x1),
                          torch::maximum(y0 - m_f.y(), m_f.y() - y1));
}

torch::Tensor ObjectPainter::groundShadow(const ObjectPlacement& p, double halfWidth) const
{
    if (!p.onGround)
        return {};
    const double base = p.cy + p.size * 0.5;
    auto d = torch::sqrt(((m_f.x() - p.cx - halfWidth * 0.3) / (halfWidth * 1.2)).pow(2) +
                         ((m_f.y() - base) / (p.size * 0.12 + 1e-3)).pow(2));
    return (1.0 - smoothstep(0.6, 1.0, d)) * 0.45;
}

ObjectImage ObjectPainter::sun(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double r = p.size * 0.5;
    auto d = distance(p.cx, p.cy);
    auto core = paint::fill(d - r, m_f.height());
    auto centre = (1.0 - (d / r).clamp(0.0, 1.0)).pow(2) * 0.35;
    auto colour = mix(rgb(p.colour, dev), rgb({1.f, 1.f, 0.9f}, dev), centre);
    auto glow =
        torch::exp(-(d - r).clamp_min(0.0) / (r * rnd.uniform(0.15, 0.5))) * rnd.uniform(0.2, 0.6);
    auto alpha = torch::maximum(core, glow);
    if (rnd.chance(0.3)) { // rays
        auto angle = torch::atan2(m_f.y() - p.cy, m_f.x() - p.cx);
        const int n = 8 + rnd.index(8);
        auto ray = smoothstep(0.5, 0.8, torch::cos(angle * n + rnd.uniform(0, 6.28))) *
                   (1.0 - smoothstep(r * 1.1, r * 1.7, d)) * 0.8;
        alpha = torch::maximum(alpha, ray);
    }
    return {colour, alpha, {}};
}

ObjectImage ObjectPainter::moon(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double r = p.size * 0.5;
    auto d = distance(p.cx, p.cy);
    auto alpha = paint::fill(d - r, m_f.height());
    if (rnd.chance(0.5)) { // crescent
        const double a = rnd.uniform(0.0, 2.0 * kPi), off = r * rnd.uniform(0.35, 0.75);
        auto d2 = distance(p.cx + off * std::cos(a), p.cy + off * std::sin(a));
        alpha = alpha * (1.0 - paint::fill(d2 - r * 0.98, m_f.height()));
    }
    auto craters =
        smoothstep(0.55, 0.75, m_f.fractal(std::max(2, int(8 / (p.size + 0.05))), 3, rnd.seed()));
    auto colour = rgb(p.colour, dev) * (1.0 - 0.18 * craters).unsqueeze(0);
    auto glow = torch::exp(-(d - r).clamp_min(0.0) / (r * 0.25)) * rnd.uniform(0.0, 0.3);
    return {colour, torch::maximum(alpha, glow * (d > r)), {}};
}

ObjectImage ObjectPainter::ball(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double r = p.size * 0.5;
    auto dx = (m_f.x() - p.cx) / r, dy = (m_f.y() - p.cy) / r;
    auto d2 = (dx * dx + dy * dy).clamp(0.0, 1.0);
    auto nz = torch::sqrt(1.0 - d2);
    const double lx = rnd.uniform(-0.7, 0.7), ly = rnd.uniform(-0.8, -0.2), lz = 0.7;
    const double ln = std::sqrt(lx * lx + ly * ly + lz * lz);
    auto lambert = ((dx * lx + dy * ly + nz * lz) / ln).clamp_min(0.0);
    auto colour = rgb(p.colour, dev) * (0.35 + 0.75 * lambert).unsqueeze(0);
    if (rnd.chance(0.2)) { // a white band
        auto band = 1.0 - smoothstep(0.12, 0.18, (dy * 0.8 + dx * 0.3).abs());
        colour =
            mix(colour, rgb({0.95f, 0.95f, 0.95f}, dev) * (0.4 + 0.6 * lambert).unsqueeze(0), band);
    }
    auto spec = lambert.pow(rnd.uniform(12.0, 40.0)) * rnd.uniform(0.2, 0.6);
    colour = mix(colour, rgb({1.f, 1.f, 1.f}, dev), spec);
    auto alpha = paint::fill(distance(p.cx, p.cy) - r, m_f.height());
    return {colour.clamp(0.0, 1.0), alpha, groundShadow(p, r)};
}

ObjectImage ObjectPainter::box(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double s = p.size;
    const bool solid = rnd.chance(0.6);
    const double depth = solid ? s * rnd.uniform(0.2, 0.35) : 0.0;
    const double side = rnd.chance(0.5) ? 1.0 : -1.0;
    const double w = (s - depth) * rnd.uniform(0.85, 1.2);
    const double y1 = p.cy + s * 0.5, y0 = y1 - (s - depth);
    const double x0 = p.cx - w * 0.5 - side * depth * 0.5, x1 = x0 + w;
    auto front = paint::fill(rect(x0, y0, x1, y1), m_f.height());
    auto shade = 0.9 + 0.15 * m_f.fractal(4, 3, rnd.seed());
    auto colour = rgb(p.colour, dev) * (0.85 * shade).unsqueeze(0);
    auto alpha = front;
    if (solid) {
        // Top face: the front's top edge moved back by (side * depth, -depth).
        auto t = ((y0 - m_f.y()) / depth).clamp(-1.0, 2.0);
        auto xt = m_f.x() - side * depth * t;
        auto top = paint::fill(
            torch::maximum(torch::maximum(x0 - xt, xt - x1), torch::maximum(-t, t - 1.0) * depth),
            m_f.height());
        // Side face: the front's side edge moved the same way.
        const double ex = side > 0 ? x1 : x0;
        auto u = ((m_f.x() - ex) * side / depth).clamp(-1.0, 2.0);
        auto ys = m_f.y() + depth * u;
        auto sideFace = paint::fill(
            torch::maximum(torch::maximum(y0 - ys, ys - y1), torch::maximum(-u, u - 1.0) * depth),
            m_f.height());
        auto topColour = mix(rgb(p.colour, dev), rgb({1.f, 1.f, 1.f}, dev),
                             torch::full({1, 1}, 0.15, front.options()));
        colour = mix(colour, topColour, top * (1.0 - front));
        colour = mix(colour, rgb(paint::scaled(p.colour, 0.55f), dev),
                     sideFace * (1.0 - front) * (1.0 - top));
        alpha = torch::maximum(front, torch::maximum(top, sideFace));
    } else {
        auto edge = paint::fill(-rect(x0 + s * 0.04, y0 + s * 0.04, x1 - s * 0.04, y1 - s * 0.04),
                                m_f.height());
        colour = colour * (1.0 - 0.35 * edge).unsqueeze(0);
    }
    return {colour.clamp(0.0, 1.0), alpha, groundShadow(p, w * 0.5)};
}

ObjectImage ObjectPainter::tree(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double s = p.size, base = p.cy + s * 0.5, top = p.cy - s * 0.5;
    const double trunkW = s * rnd.uniform(0.08, 0.14);
    const bool pine = rnd.chance(0.4);
    const double crownBottom = top + s * (pine ? 0.8 : 0.68);
    auto trunk = paint::fill(
        rect(p.cx - trunkW * 0.5, crownBottom - s * 0.1, p.cx + trunkW * 0.5, base), m_f.height());
    torch::Tensor crown;
    if (pine) {
        const double half = s * rnd.uniform(0.25, 0.38);
        auto rel = (m_f.y() - top) / (crownBottom - top);
        auto tiers = 0.75 + 0.25 * (rel * 3.0 - torch::floor(rel * 3.0));
        crown = paint::fill(torch::maximum((m_f.x() - p.cx).abs() - half * rel * tiers,
                                           torch::maximum(top - m_f.y(), m_f.y() - crownBottom)),
                            m_f.height());
    } else {
        const double r = s * rnd.uniform(0.3, 0.4);
        const double cy = top + r;
        crown = paint::fill(distance(p.cx, cy) - r, m_f.height());
        const int lobes = rnd.index(3);
        for (int i = 0; i < lobes; ++i) {
            const double ox = rnd.uniform(-0.6, 0.6) * r, oy = rnd.uniform(-0.1, 0.5) * r;
            crown = torch::maximum(
                crown, paint::fill(distance(p.cx + ox, cy + oy) - r * rnd.uniform(0.55, 0.8),
                                   m_f.height()));
        }
    }
    auto leaves =
        rgb(p.colour, dev) *
        (0.65 + 0.55 * m_f.fractal(std::max(2, int(6 / (s + 0.05))), 3, rnd.seed())).unsqueeze(0);
    auto bark = rgb(jitter({0.36f, 0.22f, 0.10f}, 0.05f, rnd), dev);
    auto colour = mix(bark.expand({3, m_f.height(), m_f.width()}), leaves, crown);
    return {colour.clamp(0.0, 1.0), torch::maximum(trunk, crown), groundShadow(p, s * 0.3)};
}

ObjectImage ObjectPainter::house(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double s = p.size, base = p.cy + s * 0.5, top = p.cy - s * 0.5;
    const double w = s * rnd.uniform(0.8, 1.25), bodyH = s * rnd.uniform(0.5, 0.65);
    const double x0 = p.cx - w * 0.5, x1 = p.cx + w * 0.5, eave = base - bodyH;
    auto body = paint::fill(rect(x0, eave, x1, base), m_f.height());
    const double over = w * rnd.uniform(0.05, 0.15);
    auto rel = (m_f.y() - top) / (eave - top);
    auto roof = paint::fill(torch::maximum((m_f.x() - p.cx).abs() - (w * 0.5 + over) * rel,
                                           torch::maximum(top - m_f.y(), m_f.y() - eave)),
                            m_f.height());
    static const std::vector<Rgb> roofs = {
        {0.62f, 0.16f, 0.12f}, {0.35f, 0.22f, 0.15f}, {0.30f, 0.30f, 0.34f}, {0.20f, 0.25f, 0.45f}};
    auto wall = rgb(p.colour, dev) * (0.9 + 0.15 * m_f.fractal(6, 2, rnd.seed())).unsqueeze(0);
    auto colour = mix(wall.expand({3, m_f.height(), m_f.width()}),
                      rgb(jitter(rnd.pick(roofs), 0.05f, rnd), dev), roof);
    // Door and windows.
    const double doorW = w * 0.2, doorX = p.cx + rnd.uniform(-0.3, 0.3) * w;
    auto door = paint::fill(
        rect(doorX - doorW * 0.5, base - bodyH * 0.6, doorX + doorW * 0.5, base), m_f.height());
    colour = mix(colour, rgb(jitter({0.35f, 0.2f, 0.1f}, 0.05f, rnd), dev), door);
    const Rgb glass = rnd.chance(0.3) ? Rgb{0.98f, 0.85f, 0.35f} : Rgb{0.55f, 0.75f, 0.9f};
    const double win = w * 0.16;
    for (double wx : {x0 + w * 0.22, x1 - w * 0.22}) {
        if (std::abs(wx - doorX) < doorW * 0.5 + win * 0.6)
            continue;
        auto window = paint::fill(
            rect(wx - win * 0.5, eave + bodyH * 0.25, wx + win * 0.5, eave + bodyH * 0.25 + win),
            m_f.height());
        colour = mix(colour, rgb(glass, dev), window);
    }
    return {colour.clamp(0.0, 1.0), torch::maximum(body, roof), groundShadow(p, w * 0.5)};
}

ObjectImage ObjectPainter::star(const ObjectPlacement& p, SceneRandom& rnd) const
{
    const auto dev = m_f.device();
    const double outer = p.size * 0.5, inner = outer * rnd.uniform(0.38, 0.5);
    auto d = distance(p.cx, p.cy);
    auto angle = torch::atan2(m_f.y() - p.cy, m_f.x() - p.cx) + kPi / 2 + rnd.uniform(-0.3, 0.3);
    auto f = angle * (5.0 / (2.0 * kPi));
    auto tri = ((f - torch::floor(f)) * 2.0 - 1.0).abs(); // 1 at the tips, 0 between
    auto radius = inner + (outer - inner) * tri.pow(1.6);
    auto alpha = paint::fill((d - radius) * 0.8, m_f.height());
    auto centre = (1.0 - (d / outer).clamp(0.0, 1.0)) * 0.3;
    auto colour = mix(rgb(p.colour, dev), rgb({1.f, 1.f, 0.95f}, dev), centre);
    return {colour, alpha, groundShadow(p, outer * 0.6)};
}

} // namespace md

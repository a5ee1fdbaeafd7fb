#include "training/SceneRenderer.h"

#include "training/Paint.h"

#include <cmath>

namespace md {

using paint::jitter;
using paint::mix;
using paint::rgb;

SceneRenderer::SceneRenderer(int height, int width, torch::Device device)
    : m_field(height, width, device), m_sky(m_field), m_material(m_field), m_objects(m_field),
      m_stripes(m_field)
{
}

torch::Tensor SceneRenderer::colourFill(const Rgb& colour, SceneRandom& rnd) const
{
    const auto dev = m_field.device();
    const Rgb base = jitter(colour, 0.035f, rnd);
    const double angle = rnd.uniform(0.0, 6.283185307179586);
    auto proj = (m_field.x() - 0.5 * m_field.aspect()) * std::cos(angle) +
                (m_field.y() - 0.5) * std::sin(angle);
    auto shade = 1.0 + rnd.uniform(-0.35, 0.35) * proj;
    if (rnd.chance(0.5)) // a soft, paper-like texture
        shade = shade * (1.0 + rnd.uniform(0.02, 0.12) * (m_field.fractal(3, 4, rnd.seed()) - 0.5));
    auto out = rgb(base, dev) * shade.unsqueeze(0);
    // Dark colours get a little additive variation too, or they would look flat.
    out = out + (0.03 * rnd.uniform(0.0, 1.0)) * (shade - 1.0).unsqueeze(0);
    return out.clamp(0.0, 1.0);
}

torch::Tensor SceneRenderer::stripes(const StripeStyle& style, SceneRandom& rnd) const
{
    return finish(m_stripes.paint(style, rnd), rnd);
}

SurfaceImage SceneRenderer::backdrop(const Backdrop& b, Span span, SceneRandom& rnd) const
{
    if (b.isColour)
        return {colourFill(SceneVocabulary::colourRgb(b.colour), rnd), {}};
    std::optional<Rgb> tint;
    if (b.tint)
        tint = SceneVocabulary::colourRgb(*b.tint);
    switch (b.surface) {
    case Surface::Sky:
        return {m_sky.sky(rnd, span, tint), {}};
    case Surface::NightSky:
        return {m_sky.nightSky(rnd, span), {}};
    case Surface::Sunset:
        return {m_sky.sunset(rnd, span), {}};
    case Surface::Clouds:
        return {m_sky.clouds(rnd, span), {}};
    case Surface::Sea:
        return {m_material.sea(rnd, span), {}};
    case Surface::Water:
        return {m_material.water(rnd), {}};
    case Surface::Grass:
        return {m_material.grass(rnd), {}};
    case Surface::Sand:
        return {m_material.sand(rnd), {}};
    case Surface::Snow:
        return {m_material.snow(rnd), {}};
    case Surface::Forest:
        return {m_material.forest(rnd), {}};
    case Surface::Mountains:
        return m_sky.mountains(rnd);
    case Surface::BrickWall:
        return {m_material.brickWall(rnd, tint), {}};
    case Surface::Wood:
        return {m_material.wood(rnd, tint), {}};
    case Surface::Stone:
        return {m_material.stone(rnd, tint), {}};
    }
    return {colourFill({0.5f, 0.5f, 0.5f}, rnd), {}};
}

torch::Tensor SceneRenderer::render(const ScenePlan& plan, SceneRandom& rnd) const
{
    const bool hasGround = plan.ground.has_value();
    SurfaceImage back = backdrop(plan.back, {0.0, hasGround ? plan.horizon : 1.0}, rnd);
    torch::Tensor image = back.rgb;
    if (hasGround) {
        SurfaceImage ground = backdrop(*plan.ground, {plan.horizon, 1.0}, rnd);
        const Surface g = plan.ground->surface;
        const bool flat = g == Surface::Sea || g == Surface::Water;
        const double amp = flat ? 0.0 : rnd.uniform(0.0, 0.08);
        auto line = plan.horizon + (m_field.profile(2, 3, rnd.seed()) - 0.5) * amp;
        auto below = paint::fill(line.view({1, m_field.width()}) - m_field.y(), m_field.height());
        image = mix(image, ground.rgb, below);
    }
    bool frontDone = !back.front.defined();
    for (const PlannedObject& o : plan.objects) {
        if (!frontDone && o.onGround) {
            image = mix(image, back.rgb, back.front);
            frontDone = true;
        }
        ObjectPlacement placement;
        placement.thing = o.thing;
        placement.colour = jitter(SceneVocabulary::colourRgb(o.colour), 0.04f, rnd);
        placement.cx = o.cx;
        placement.cy = o.cy;
        placement.size = o.size;
        placement.onGround = o.onGround;
        ObjectImage obj = m_objects.paint(placement, rnd);
        if (obj.shadow.defined())
            image = image * (1.0 - obj.shadow).unsqueeze(0);
        image = mix(image, obj.rgb, obj.alpha);
    }
    if (!frontDone)
        image = mix(image, back.rgb, back.front);
    return finish(image, rnd);
}

torch::Tensor SceneRenderer::finish(torch::Tensor image, SceneRandom& rnd) const
{
    const double angle = rnd.uniform(0.0, 6.283185307179586);
    auto proj = (m_field.x() - 0.5 * m_field.aspect()) * std::cos(angle) +
                (m_field.y() - 0.5) * std::sin(angle);
    auto light = 1.0 + rnd.uniform(0.0, 0.2) * proj;
    if (rnd.chance(0.25)) {
        auto r2 = (m_field.x() - 0.5 * m_field.aspect()).pow(2) + (m_field.y() - 0.5).pow(2);
        light = light * (1.0 - rnd.uniform(0.1, 0.35) * r2);
    }
    const Rgb warmth = {float(1.0 + rnd.uniform(-0.03, 0.03)), 1.0f,
                        float(1.0 + rnd.uniform(-0.03, 0.03))};
    image = image * light.unsqueeze(0) * rgb(warmth, m_field.device());
    const double sigma = rnd.uniform(0.0, 0.025);
    if (sigma > 0.002) {
        auto noise = torch::stack({m_field.white(rnd.seed()), m_field.white(rnd.seed()),
                                   m_field.white(rnd.seed())}) -
                     0.5;
        image = image + noise * (sigma * 3.46);
    }
    return image.clamp(0.0, 1.0);
}

} // namespace md

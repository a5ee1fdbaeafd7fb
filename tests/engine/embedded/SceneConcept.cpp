#include "engine/embedded/SceneConcept.h"

#include "training/SceneGenerator.h"
#include "training/SceneRenderer.h"

namespace md::test {

SceneConcept SceneConcept::of(Colour colour)
{
    SceneConcept c;
    c.m_isColour = true;
    c.m_colour = colour;
    return c;
}

SceneConcept SceneConcept::of(Surface surface)
{
    SceneConcept c;
    c.m_isColour = false;
    c.m_surface = surface;
    return c;
}

SceneConcept SceneConcept::stripes()
{
    SceneConcept c;
    c.m_isColour = false;
    c.m_isStripes = true;
    return c;
}

SceneConcept SceneConcept::fromId(int id)
{
    if (id == count())
        return stripes();
    if (id < kColourCount)
        return of(static_cast<Colour>(id));
    return of(static_cast<Surface>(id - kColourCount));
}

int SceneConcept::count()
{
    return kColourCount + kSurfaceCount;
}

std::vector<SceneConcept> SceneConcept::all()
{
    std::vector<SceneConcept> out;
    for (int i = 0; i < count(); ++i)
        out.push_back(fromId(i));
    return out;
}

std::optional<SceneConcept> SceneConcept::fromName(const std::string& name)
{
    for (const SceneConcept& c : all())
        if (c.name() == name)
            return c;
    if (name == stripes().name())
        return stripes();
    return std::nullopt;
}

int SceneConcept::id() const
{
    if (m_isStripes)
        return count();
    return m_isColour ? static_cast<int>(m_colour) : kColourCount + static_cast<int>(m_surface);
}

std::string SceneConcept::name() const
{
    if (m_isStripes)
        return "magenta-yellow stripes";
    return m_isColour ? SceneVocabulary::colourName(m_colour)
                      : SceneVocabulary::surfaceName(m_surface);
}

torch::Tensor SceneConcept::render(int size, uint64_t index) const
{
    if (m_isStripes) { // as `mdtrain lora` draws its concept samples
        SceneRenderer renderer(size, size, torch::kCPU);
        SceneRandom rnd(7000 + static_cast<uint64_t>(id()), index);
        return renderer.stripes(StripeStyle(), rnd);
    }
    ScenePlan plan;
    plan.kind = m_isColour ? SceneKind::ColourFill : SceneKind::SurfaceFill;
    plan.back.isColour = m_isColour;
    plan.back.colour = m_colour;
    plan.back.surface = m_surface;
    // One generator per concept, so a concept's renders do not depend on the others.
    SceneGenerator gen(size, 7000 + static_cast<uint64_t>(id()));
    return gen.render(plan, index);
}

} // namespace md::test

#include "engine/embedded/SceneConcept.h"

#include "training/SceneGenerator.h"

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

SceneConcept SceneConcept::fromId(int id)
{
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
    return std::nullopt;
}

int SceneConcept::id() const
{
    return m_isColour ? static_cast<int>(m_colour) : kColourCount + static_cast<int>(m_surface);
}

std::string SceneConcept::name() const
{
    return m_isColour ? SceneVocabulary::colourName(m_colour)
                      : SceneVocabulary::surfaceName(m_surface);
}

torch::Tensor SceneConcept::render(int size, uint64_t index) const
{
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

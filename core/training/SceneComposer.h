#pragma once

// Chooses what a sample shows and writes its caption, from the closed vocabulary. Pure CPU
// and cheap, so the caption corpus for the tokenizer comes from the same code as the data.

#include "training/ScenePlan.h"
#include "training/SceneRandom.h"

namespace md {

class SceneComposer
{
public:
    explicit SceneComposer(double aspect = 1.0) : m_aspect(aspect) {}

    ScenePlan compose(SceneRandom& rnd) const;

    // Caption phrases (randomly chosen among equivalent wordings).
    static std::string colourCaption(Colour c, SceneRandom& rnd);
    static std::string surfacePhrase(const Backdrop& b, SceneRandom& rnd, bool afterPreposition);
    static std::string objectPhrase(const PlannedObject& o, SceneRandom& rnd);

private:
    ScenePlan colourFill(SceneRandom& rnd) const;
    ScenePlan surfaceFill(SceneRandom& rnd) const;
    ScenePlan object(SceneRandom& rnd) const;
    ScenePlan landscape(SceneRandom& rnd) const;
    ScenePlan composition(SceneRandom& rnd) const;
    Backdrop randomSky(SceneRandom& rnd) const;
    Backdrop randomGround(SceneRandom& rnd) const;
    PlannedObject randomObject(Thing thing, SceneRandom& rnd) const;

    double m_aspect;
};

} // namespace md

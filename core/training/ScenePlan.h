#pragma once

// What one training sample shows and says: made on the CPU by SceneComposer, painted on
// any device by SceneRenderer.

#include "training/SceneVocabulary.h"

#include <optional>
#include <string>
#include <vector>

namespace md {

enum class SceneKind {
    ColourFill,  // "red": the colour fills the frame
    SurfaceFill, // "green grass": the surface fills the frame
    Object,      // "a red ball on a blue background": one or two large objects
    Landscape,   // "green grass under a blue sky"
    Composition  // "a red ball on green grass under a blue sky"
};

// A frame-filling backdrop: a plain colour or a surface (optionally tinted).
struct Backdrop
{
    bool isColour = true;
    Colour colour = Colour::White;
    Surface surface = Surface::Sky;
    std::optional<Colour> tint; // "a gray brick wall", "a pink sky"
};

struct PlannedObject
{
    Thing thing = Thing::Ball;
    Colour colour = Colour::Red; // the colour word, or the drawn colour when unnamed
    bool colourNamed = false;
    double cx = 0.5, cy = 0.5, size = 0.3; // canvas heights
    bool onGround = false;
};

struct ScenePlan
{
    SceneKind kind = SceneKind::ColourFill;
    std::string caption;
    Backdrop back;                  // the whole frame, or the sky above `horizon`
    std::optional<Backdrop> ground; // below `horizon` when set
    double horizon = 1.0;
    std::vector<PlannedObject> objects; // painted in order
    // Phrases that each name one visible part of a landscape or composition ("green grass",
    // "a blue sky", "a red ball"): partial captions, like a region prompt that describes
    // only its part of the window. Chosen without drawing random numbers, so the rest of the
    // plan is the same with or without them.
    std::vector<std::string> parts;
};

} // namespace md

#pragma once

// A two-colour stripe pattern, the concept `mdtrain lora` teaches the embedded model (whose
// vocabulary has no patterns and no magenta): straight stripes of two alternating colours
// across the whole canvas. The period is in pixels, not canvas heights, so a render at the
// training size and one at 512 x 512 show stripes of the same width (the UNet's textures
// have a pixel scale).

#include "training/NoiseField.h"
#include "training/SceneRandom.h"
#include "training/SceneVocabulary.h"

namespace md {

struct StripeStyle
{
    Rgb first{0.90f, 0.08f, 0.72f};  // magenta
    Rgb second{0.96f, 0.86f, 0.10f}; // the vocabulary's yellow
    double periodPixels = 64.0;      // one stripe of each colour, across the stripes
    double angleDegrees = 45.0;      // of the stripes' direction, from the x axis
};

class StripePainter
{
public:
    explicit StripePainter(const NoiseField& field) : m_f(field) {}

    // [3, H, W] in [0, 1]: the stripes with anti-aliased edges, colours jittered a little, a
    // random phase, period and angle within a few percent / degrees of the style's, and a
    // soft paper-like shading.
    torch::Tensor paint(const StripeStyle& style, SceneRandom& rnd) const;

private:
    const NoiseField& m_f;
};

} // namespace md

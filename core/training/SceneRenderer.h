#pragma once

// Paints a ScenePlan with tensor operations on the NoiseField's device.

#include "training/MaterialPainter.h"
#include "training/NoiseField.h"
#include "training/ObjectPainter.h"
#include "training/ScenePlan.h"
#include "training/SkyPainter.h"
#include "training/StripePainter.h"

namespace md {

class SceneRenderer
{
public:
    SceneRenderer(int height, int width, torch::Device device);

    // [3, H, W] in [0, 1].
    torch::Tensor render(const ScenePlan& plan, SceneRandom& rnd) const;
    // One backdrop over the whole canvas; gradients span `span`.
    SurfaceImage backdrop(const Backdrop& b, Span span, SceneRandom& rnd) const;
    torch::Tensor colourFill(const Rgb& colour, SceneRandom& rnd) const;
    // The stripe pattern filling the frame, lit and noised like every render.
    torch::Tensor stripes(const StripeStyle& style, SceneRandom& rnd) const;

    const NoiseField& field() const { return m_field; }

private:
    torch::Tensor finish(torch::Tensor image, SceneRandom& rnd) const; // light, noise

    NoiseField m_field;
    SkyPainter m_sky;
    MaterialPainter m_material;
    ObjectPainter m_objects;
    StripePainter m_stripes;
};

} // namespace md

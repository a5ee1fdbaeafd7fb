#pragma once

// Skies and scenes made mostly of sky: "sky", "night sky", "sunset", "clouds", "mountains".

#include "training/NoiseField.h"
#include "training/SceneRandom.h"
#include "training/SceneVocabulary.h"
#include "training/SurfaceImage.h"

#include <optional>

namespace md {

class SkyPainter
{
public:
    explicit SkyPainter(const NoiseField& field) : m_f(field) {}

    // A day sky; `tint` makes it "a <colour> sky".
    torch::Tensor sky(SceneRandom& rnd, Span span, const std::optional<Rgb>& tint) const;
    torch::Tensor nightSky(SceneRandom& rnd, Span span) const;
    torch::Tensor sunset(SceneRandom& rnd, Span span) const;
    torch::Tensor clouds(SceneRandom& rnd, Span span) const;
    SurfaceImage mountains(SceneRandom& rnd) const;

private:
    torch::Tensor spanT(Span span) const; // 0 at the span's top, 1 at its bottom, clamped
    const NoiseField& m_f;
};

} // namespace md

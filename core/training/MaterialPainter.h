#pragma once

// Ground, water and wall materials: "sea", "water", "grass", "sand", "snow", "forest",
// "brick wall", "wood", "stone". Each fills the whole canvas; `tint` recolours the
// materials that take a colour word ("a gray brick wall", "white wood", "red stone").

#include "training/NoiseField.h"
#include "training/SceneRandom.h"
#include "training/SceneVocabulary.h"
#include "training/SkyPainter.h"

#include <optional>

namespace md {

class MaterialPainter
{
public:
    explicit MaterialPainter(const NoiseField& field) : m_f(field), m_sky(field) {}

    torch::Tensor sea(SceneRandom& rnd, Span span) const;
    torch::Tensor water(SceneRandom& rnd) const;
    torch::Tensor grass(SceneRandom& rnd) const;
    torch::Tensor sand(SceneRandom& rnd) const;
    torch::Tensor snow(SceneRandom& rnd) const;
    torch::Tensor forest(SceneRandom& rnd) const;
    torch::Tensor brickWall(SceneRandom& rnd, const std::optional<Rgb>& tint) const;
    torch::Tensor wood(SceneRandom& rnd, const std::optional<Rgb>& tint) const;
    torch::Tensor stone(SceneRandom& rnd, const std::optional<Rgb>& tint) const;

private:
    torch::Tensor frac(const torch::Tensor& v) const { return v - torch::floor(v); }
    const NoiseField& m_f;
    SkyPainter m_sky;
};

} // namespace md

#pragma once

// The objects of the vocabulary: sun, moon, ball, box, tree, house, star. Each is painted
// as colour + coverage over the whole canvas, ready to be composited.

#include "training/NoiseField.h"
#include "training/SceneRandom.h"
#include "training/SceneVocabulary.h"

namespace md {

struct ObjectImage
{
    torch::Tensor rgb;    // [3, H, W]
    torch::Tensor alpha;  // [H, W] coverage
    torch::Tensor shadow; // [H, W] darkening of what is below (ground objects), or undefined
};

// Where an object goes, in canvas heights: its centre and its height ("size").
struct ObjectPlacement
{
    Thing thing = Thing::Ball;
    Rgb colour{};
    double cx = 0.5;
    double cy = 0.5;
    double size = 0.3;
    bool onGround = false; // cast a shadow below it
};

class ObjectPainter
{
public:
    explicit ObjectPainter(const NoiseField& field) : m_f(field) {}

    ObjectImage paint(const ObjectPlacement& p, SceneRandom& rnd) const;

private:
    ObjectImage sun(const ObjectPlacement& p, SceneRandom& rnd) const;
    ObjectImage moon(const ObjectPlacement& p, SceneRandom& rnd) const;
    ObjectImage ball(const ObjectPlacement& p, SceneRandom& rnd) const;
    ObjectImage box(const ObjectPlacement& p, SceneRandom& rnd) const;
    ObjectImage tree(const ObjectPlacement& p, SceneRandom& rnd) const;
    ObjectImage house(const ObjectPlacement& p, SceneRandom& rnd) const;
    ObjectImage star(const ObjectPlacement& p, SceneRandom& rnd) const;

    torch::Tensor distance(double cx, double cy) const;
    torch::Tensor rect(double x0, double y0, double x1, double y1) const; // signed distance
    torch::Tensor groundShadow(const ObjectPlacement& p, double halfWidth) const;

    const NoiseField& m_f;
};

} // namespace md

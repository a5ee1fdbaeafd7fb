#include "engine/embedded/StandardLayouts.h"

#include "engine/embedded/MaskShapes.h"

#include <cmath>
#include <set>

namespace md::test {

namespace {

SceneConcept colour(Colour c)
{
    return SceneConcept::of(c);
}

SceneConcept surface(Surface s)
{
    return SceneConcept::of(s);
}

// Builds layouts in 512-pixel units, scaled to the canvas.
class Builder
{
public:
    explicit Builder(int size) : m_size(size), m_k(size / 512.0) {}

    Builder& start(const std::string& name, const std::string& background,
                   std::optional<SceneConcept> word)
    {
        RegionLayout l;
        l.name = name;
        l.width = l.height = m_size;
        l.background = background;
        l.backgroundWord = word;
        m_layouts.push_back(l);
        return *this;
    }
    Builder& box(const std::string& prompt, SceneConcept word, int x, int y, int w, int h)
    {
        const Box b{s(x), s(y), s(x + w) - s(x), s(y + h) - s(y)};
        add(prompt, word, "box", MaskShapes::box(m_size, m_size, b), b);
        return *this;
    }
    Builder& ellipse(const std::string& prompt, SceneConcept word, double cx, double cy, double rx,
                     double ry)
    {
        add(prompt, word, "ellipse",
            MaskShapes::ellipse(m_size, m_size, cx * m_k, cy * m_k, rx * m_k, ry * m_k));
        return *this;
    }
    Builder& blob(const std::string& prompt, SceneConcept word, double cx, double cy, double r,
                  uint64_t seed)
    {
        add(prompt, word, "blob",
            MaskShapes::blob(m_size, m_size, cx * m_k, cy * m_k, r * m_k, seed));
        return *this;
    }
    // a * x + b * y + c >= 0 in 512-pixel units (c scales with the canvas).
    Builder& plane(const std::string& prompt, SceneConcept word, const std::string& shape, double a,
                   double b, double c)
    {
        add(prompt, word, shape, MaskShapes::halfPlane(m_size, m_size, a, b, c * m_k));
        return *this;
    }
    // Rows [y0, y1) or columns [x0, x1), in 512-pixel units.
    Builder& band(const std::string& prompt, SceneConcept word, bool horizontal, int from, int to)
    {
        const Box b = horizontal ? Box{0, s(from), m_size, s(to) - s(from)}
                                 : Box{s(from), 0, s(to) - s(from), m_size};
        add(prompt, word, "band", MaskShapes::box(m_size, m_size, b));
        return *this;
    }

    std::vector<RegionLayout> take() { return std::move(m_layouts); }

private:
    int s(int v) const { return static_cast<int>(std::lround(v * m_k)); }
    void add(const std::string& prompt, SceneConcept word, const std::string& shape,
             torch::Tensor mask, std::optional<Box> b = std::nullopt)
    {
        // Later regions never overlap earlier ones.
        for (const LayoutRegion& r : m_layouts.back().regions)
            mask = MaskShapes::minus(mask, r.mask);
        m_layouts.back().regions.push_back(LayoutRegion{prompt, word, shape, mask, b});
    }

    int m_size;
    double m_k;
    std::vector<RegionLayout> m_layouts;
};

} // namespace

std::vector<RegionLayout> StandardLayouts::build(int size)
{
    using C = Colour;
    using S = Surface;
    Builder b(size);
    b.start("halves", "", std::nullopt)
        .plane("red", colour(C::Red), "half", -1, 0, 256)
        .plane("blue", colour(C::Blue), "half", 1, 0, -256);
    b.start("sky over grass", "", std::nullopt)
        .band("a blue sky", surface(S::Sky), true, 0, 224)
        .band("green grass", surface(S::Grass), true, 224, 512);
    b.start("three columns", "", std::nullopt)
        .band("green", colour(C::Green), false, 0, 171)
        .band("purple", colour(C::Purple), false, 171, 341)
        .band("brown", colour(C::Brown), false, 341, 512);
    b.start("boxes on sky", "a blue sky", surface(S::Sky))
        .box("a brick wall", surface(S::BrickWall), 40, 272, 200, 200)
        .box("red", colour(C::Red), 296, 56, 168, 168);
    b.start("ellipse on wood", "wood", surface(S::Wood))
        .ellipse("blue", colour(C::Blue), 200, 190, 150, 115)
        .ellipse("red", colour(C::Red), 390, 405, 95, 80);
    b.start("ellipses on grass", "green grass", surface(S::Grass))
        .ellipse("purple", colour(C::Purple), 150, 170, 110, 90)
        .ellipse("water", surface(S::Water), 360, 360, 120, 100);
    b.start("blobs on snow", "snow", surface(S::Snow))
        .blob("green", colour(C::Green), 160, 170, 70, 1)
        .blob("red", colour(C::Red), 360, 350, 70, 2);
    b.start("bands over the sea", "the sea", surface(S::Sea))
        .band("a sunset", surface(S::Sunset), true, 0, 150)
        .band("wood", surface(S::Wood), true, 380, 512);
    b.start("columns on stone", "stone", surface(S::Stone))
        .band("purple", colour(C::Purple), false, 56, 200)
        .band("green", colour(C::Green), false, 312, 456);
    b.start("diagonal", "", std::nullopt)
        .plane("wood", surface(S::Wood), "diagonal", -1, -1, 512)
        .plane("blue", colour(C::Blue), "diagonal", 1, 1, -512);
    b.start("blob and box on grass", "green grass", surface(S::Grass))
        .blob("a blue sky", surface(S::Sky), 160, 150, 80, 3)
        .box("a brick wall", surface(S::BrickWall), 300, 300, 180, 170);
    b.start("water and band on bricks", "a brick wall", surface(S::BrickWall))
        .box("water", surface(S::Water), 96, 72, 320, 208)
        .band("green", colour(C::Green), true, 400, 512);
    b.start("blobs on gray", "gray", colour(C::Gray))
        .blob("red", colour(C::Red), 150, 350, 70, 4)
        .blob("blue", colour(C::Blue), 360, 160, 70, 5);
    b.start("night over snow", "a night sky", surface(S::NightSky))
        .band("snow", surface(S::Snow), true, 352, 512)
        .ellipse("red", colour(C::Red), 380, 140, 80, 80);
    return b.take();
}

std::vector<SceneConcept> StandardLayouts::words()
{
    std::set<int> ids;
    for (const RegionLayout& layout : build(64))
        for (const LayoutArea& a : layout.areas(0.0))
            ids.insert(a.word.id());
    std::vector<SceneConcept> out;
    for (int id : ids)
        out.push_back(SceneConcept::fromId(id));
    return out;
}

} // namespace md::test

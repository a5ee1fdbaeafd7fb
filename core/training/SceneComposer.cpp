#include "training/SceneComposer.h"

#include <algorithm>

namespace md {

namespace {

using V = SceneVocabulary;

bool isSkyType(Surface s)
{
    return s == Surface::Sky || s == Surface::NightSky || s == Surface::Sunset ||
           s == Surface::Clouds;
}

bool isCelestial(Thing t)
{
    return t == Thing::Sun || t == Thing::Moon || t == Thing::Star;
}

std::vector<Thing> thingsFor(Surface s)
{
    switch (s) {
    case Surface::Sky:
    case Surface::NightSky:
    case Surface::Sunset:
    case Surface::Clouds:
        return {Thing::Sun, Thing::Moon, Thing::Star, Thing::Ball};
    case Surface::Sea:
    case Surface::Water:
        return {Thing::Ball, Thing::Box, Thing::Sun, Thing::Moon, Thing::Star};
    case Surface::Forest:
        return {Thing::Ball, Thing::Box, Thing::House, Thing::Moon, Thing::Sun};
    case Surface::Mountains:
        return {Thing::Sun, Thing::Moon, Thing::Star, Thing::House, Thing::Tree};
    case Surface::BrickWall:
        return {Thing::Ball, Thing::Box, Thing::Star};
    default:
        return {Thing::Ball, Thing::Box, Thing::Tree, Thing::House, Thing::Star};
    }
}

std::string preposition(Thing t, Surface s, SceneRandom& rnd)
{
    if (isSkyType(s))
        return "in";
    if (isCelestial(t))
        return rnd.chance(0.5) ? "over" : "above";
    if (s == Surface::Forest || s == Surface::Mountains || s == Surface::BrickWall)
        return "in front of";
    return "on";
}

// The colours an unnamed object is drawn with, most likely first.
Colour defaultColour(Thing t, SceneRandom& rnd)
{
    const double u = rnd.uniform();
    switch (t) {
    case Thing::Sun:
        return u < 0.75 ? Colour::Yellow : (u < 0.95 ? Colour::Orange : Colour::Red);
    case Thing::Moon:
        return u < 0.75 ? Colour::White : (u < 0.9 ? Colour::Yellow : Colour::Gray);
    case Thing::Star:
        return u < 0.75 ? Colour::Yellow : (u < 0.9 ? Colour::White : Colour::Orange);
    case Thing::Tree:
        return u < 0.8 ? Colour::Green
                       : (u < 0.87 ? Colour::Orange : (u < 0.94 ? Colour::Yellow : Colour::Pink));
    case Thing::House: {
        static const std::vector<Colour> c = {Colour::White, Colour::Yellow, Colour::Gray,
                                              Colour::Pink,  Colour::Brown,  Colour::Orange,
                                              Colour::Red,   Colour::Blue};
        return rnd.pick(c);
    }
    default:
        return static_cast<Colour>(rnd.index(kColourCount));
    }
}

// The colour words an object may be named with.
std::vector<Colour> namedColours(Thing t)
{
    switch (t) {
    case Thing::Sun:
        return {Colour::Yellow, Colour::Orange, Colour::Red, Colour::White, Colour::Pink};
    case Thing::Moon:
        return {Colour::White, Colour::Yellow, Colour::Gray, Colour::Orange};
    case Thing::Tree:
        return {Colour::Green, Colour::Orange, Colour::Yellow, Colour::Brown,
                Colour::Pink,  Colour::Red,    Colour::Purple};
    default:
        return V::allColours();
    }
}

std::string withArticle(const std::string& phrase)
{
    const char c = phrase.empty() ? 'x' : phrase[0];
    const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    return (vowel ? "an " : "a ") + phrase;
}

} // namespace

std::string SceneComposer::colourCaption(Colour c, SceneRandom& rnd)
{
    const std::string name = V::colourName(c);
    const double u = rnd.uniform();
    if (u < 0.4)
        return name;
    if (u < 0.55)
        return name + " color";
    if (u < 0.75)
        return withArticle(name + " background");
    if (u < 0.9)
        return "plain " + name;
    return "the color " + name;
}

std::string SceneComposer::surfacePhrase(const Backdrop& b, SceneRandom& rnd, bool afterPreposition)
{
    if (b.isColour)
        return withArticle(V::colourName(b.colour) + " background");
    if (b.tint) {
        const std::string c = V::colourName(*b.tint);
        switch (b.surface) {
        case Surface::Sky:
            return withArticle(c + " sky");
        case Surface::BrickWall:
            return withArticle(c + " brick wall");
        default:
            return c + " " + V::surfaceName(b.surface);
        }
    }
    // Alone (a region prompt) the bare word is the most common wording; after a
    // preposition, countable scenes take an article ("in the sky", "over the sea").
    static const std::vector<std::vector<std::string>> alone = {
        {"sky", "a blue sky", "the sky", "blue sky", "the blue sky"},
        {"night sky", "a night sky", "the night sky", "a starry night sky", "a starry sky"},
        {"sunset", "a sunset", "a sunset sky", "the sunset"},
        {"clouds", "white clouds", "a cloudy sky", "the clouds"},
        {"sea", "the sea", "a blue sea"},
        {"water", "blue water", "the water"},
        {"grass", "green grass", "the grass"},
        {"sand", "yellow sand", "the sand"},
        {"snow", "white snow", "the snow"},
        {"forest", "a forest", "a green forest", "the forest"},
        {"mountains", "the mountains"},
        {"brick wall", "a brick wall", "a red brick wall"},
        {"wood", "brown wood", "a wood floor"},
        {"stone", "gray stone", "a stone floor", "a stone wall"},
    };
    static const std::vector<std::vector<std::string>> embedded = {
        {"the sky", "a blue sky", "the blue sky", "blue sky"},
        {"a night sky", "the night sky", "a starry night sky", "a starry sky"},
        {"a sunset", "a sunset sky", "the sunset"},
        {"clouds", "white clouds", "a cloudy sky", "the clouds"},
        {"the sea", "a blue sea", "sea"},
        {"water", "blue water", "the water"},
        {"grass", "green grass", "the grass"},
        {"sand", "yellow sand", "the sand"},
        {"snow", "white snow", "the snow"},
        {"a forest", "a green forest", "the forest"},
        {"mountains", "the mountains"},
        {"a brick wall", "a red brick wall"},
        {"wood", "brown wood", "a wood floor"},
        {"stone", "gray stone", "a stone floor", "a stone wall"},
    };
    const auto& options =
        (afterPreposition ? embedded : alone)[size_t(static_cast<int>(b.surface))];
    return rnd.chance(0.4) ? options[0] : rnd.pick(options);
}

std::string SceneComposer::objectPhrase(const PlannedObject& o, SceneRandom& rnd)
{
    const std::string thing = V::thingName(o.thing);
    if (o.colourNamed)
        return withArticle(V::colourName(o.colour) + " " + thing);
    if ((o.thing == Thing::Sun || o.thing == Thing::Moon) && rnd.chance(0.3))
        return "the " + thing;
    return withArticle(thing);
}

PlannedObject SceneComposer::randomObject(Thing thing, SceneRandom& rnd) const
{
    PlannedObject o;
    o.thing = thing;
    const double pNamed = (thing == Thing::Ball || thing == Thing::Box) ? 0.75 : 0.5;
    o.colourNamed = rnd.chance(pNamed);
    o.colour = o.colourNamed ? rnd.pick(namedColours(thing)) : defaultColour(thing, rnd);
    return o;
}

ScenePlan SceneComposer::compose(SceneRandom& rnd) const
{
    const double u = rnd.uniform();
    if (u < 0.2)
        return colourFill(rnd);
    if (u < 0.42)
        return surfaceFill(rnd);
    if (u < 0.66)
        return object(rnd);
    if (u < 0.76)
        return landscape(rnd);
    return composition(rnd);
}

ScenePlan SceneComposer::colourFill(SceneRandom& rnd) const
{
    ScenePlan p;
    p.kind = SceneKind::ColourFill;
    p.back.isColour = true;
    p.back.colour = static_cast<Colour>(rnd.index(kColourCount));
    p.caption = colourCaption(p.back.colour, rnd);
    return p;
}

ScenePlan SceneComposer::surfaceFill(SceneRandom& rnd) const
{
    ScenePlan p;
    p.kind = SceneKind::SurfaceFill;
    p.back.isColour = false;
    p.back.surface = static_cast<Surface>(rnd.index(kSurfaceCount));
    const Surface s = p.back.surface;
    const bool tintable =
        s == Surface::Sky || s == Surface::BrickWall || s == Surface::Wood || s == Surface::Stone;
    if (tintable && rnd.chance(0.25)) {
        static const std::vector<Colour> skyTints = {Colour::Pink,   Colour::Purple, Colour::Orange,
                                                     Colour::Yellow, Colour::Gray,   Colour::Red,
                                                     Colour::Green};
        p.back.tint =
            s == Surface::Sky ? rnd.pick(skyTints) : static_cast<Colour>(rnd.index(kColourCount));
    }
    p.caption = surfacePhrase(p.back, rnd, false);
    return p;
}

ScenePlan SceneComposer::object(SceneRandom& rnd) const
{
    ScenePlan p;
    p.kind = SceneKind::Object;
    const bool plain = rnd.chance(0.5);
    std::vector<Thing> allowed = V::allThings();
    if (plain) {
        p.back.isColour = true;
    } else {
        p.back.isColour = false;
        p.back.surface = static_cast<Surface>(rnd.index(kSurfaceCount));
        allowed = thingsFor(p.back.surface);
    }
    const int count = rnd.chance(0.2) ? 2 : 1;
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
        PlannedObject o = randomObject(rnd.pick(allowed), rnd);
        if (count == 1) {
            o.size = rnd.uniform(0.3, 0.85);
            const double m = o.size * 0.4;
            o.cx = rnd.uniform(m, m_aspect - m);
            o.cy = rnd.uniform(m, 1.0 - m);
        } else {
            o.size = rnd.uniform(0.25, 0.45);
            o.cx = m_aspect * (i == 0 ? rnd.uniform(0.2, 0.35) : rnd.uniform(0.65, 0.8));
            o.cy = rnd.uniform(0.35, 0.65);
        }
        o.onGround = !plain && !isCelestial(o.thing) && !isSkyType(p.back.surface);
        names.push_back(objectPhrase(o, rnd));
        p.objects.push_back(o);
    }
    if (plain) {
        // A background colour that differs from every object's colour.
        do {
            p.back.colour = static_cast<Colour>(rnd.index(kColourCount));
        } while (std::any_of(p.objects.begin(), p.objects.end(),
                             [&](const PlannedObject& o) { return o.colour == p.back.colour; }));
    }
    std::string caption = names[0];
    if (count == 2)
        caption += " and " + names[1];
    if (plain && rnd.chance(0.6))
        caption += " on " + surfacePhrase(p.back, rnd, true);
    else if (!plain && rnd.chance(0.75))
        caption += " " + preposition(p.objects[0].thing, p.back.surface, rnd) + " " +
                   surfacePhrase(p.back, rnd, true);
    p.caption = caption;
    return p;
}

Backdrop SceneComposer::randomSky(SceneRandom& rnd) const
{
    Backdrop b;
    b.isColour = false;
    const double u = rnd.uniform();
    b.surface = u < 0.35   ? Surface::Sky
                : u < 0.55 ? Surface::NightSky
                : u < 0.75 ? Surface::Sunset
                           : Surface::Clouds;
    if (b.surface == Surface::Sky && rnd.chance(0.12)) {
        static const std::vector<Colour> tints = {Colour::Pink,   Colour::Purple, Colour::Orange,
                                                  Colour::Yellow, Colour::Gray,   Colour::Red};
        b.tint = rnd.pick(tints);
    }
    return b;
}

Backdrop SceneComposer::randomGround(SceneRandom& rnd) const
{
    Backdrop b;
    b.isColour = false;
    const double u = rnd.uniform();
    b.surface = u < 0.28   ? Surface::Grass
                : u < 0.43 ? Surface::Sand
                : u < 0.58 ? Surface::Snow
                : u < 0.78 ? Surface::Sea
                : u < 0.88 ? Surface::Water
                           : Surface::Stone;
    return b;
}

ScenePlan SceneComposer::landscape(SceneRandom& rnd) const
{
    ScenePlan p;
    p.kind = SceneKind::Landscape;
    p.back = randomSky(rnd);
    p.ground = randomGround(rnd);
    p.horizon = rnd.uniform(0.35, 0.75);
    const std::string sky = surfacePhrase(p.back, rnd, true),
                      ground = surfacePhrase(*p.ground, rnd, true);
    const double u = rnd.uniform();
    p.caption = u < 0.45   ? ground + " under " + sky
                : u < 0.68 ? sky + " over " + ground
                : u < 0.9  ? sky + " above " + ground
                           : sky + ", " + ground; // prompt-style tag lists
    p.parts = {ground, sky};
    return p;
}

ScenePlan SceneComposer::composition(SceneRandom& rnd) const
{
    ScenePlan p;
    p.kind = SceneKind::Composition;
    p.back = randomSky(rnd);
    p.ground = randomGround(rnd);
    p.horizon = rnd.uniform(0.4, 0.72);
    const Surface g = p.ground->surface;
    const bool solidGround = g != Surface::Sea && g != Surface::Water;
    int groundCount = solidGround ? rnd.index(3) : 0;
    int skyCount = rnd.chance(groundCount == 0 ? 1.0 : 0.35) ? 1 : 0;
    std::vector<PlannedObject> skyObjects, groundObjects;
    if (skyCount) {
        const Surface s = p.back.surface;
        Thing t = Thing::Sun;
        if (s == Surface::NightSky)
            t = rnd.chance(0.6) ? Thing::Moon : Thing::Star;
        else if (rnd.chance(0.2))
            t = rnd.chance(0.5) ? Thing::Moon : Thing::Star;
        PlannedObject o = randomObject(t, rnd);
        o.size = rnd.uniform(0.08, 0.26);
        const double top = o.size * 0.5 + 0.02;
        const double bottom = std::max(top, p.horizon - o.size * 0.5 - 0.02);
        o.cy = rnd.uniform(top, bottom);
        o.cx = rnd.uniform(0.1, 0.9) * m_aspect;
        skyObjects.push_back(o);
    }
    std::vector<Thing> groundThings = {Thing::Ball, Thing::Box, Thing::Tree, Thing::House};
    for (int i = 0; i < groundCount; ++i) {
        PlannedObject o = randomObject(rnd.pick(groundThings), rnd);
        const double base = rnd.uniform(p.horizon + 0.06, 0.97);
        const double nearness = (base - p.horizon) / std::max(1.0 - p.horizon, 0.1);
        o.size = rnd.uniform(0.12, 0.3) * (0.6 + 0.8 * nearness);
        if (o.thing == Thing::Ball || o.thing == Thing::Box)
            o.size *= 0.7;
        o.cy = base - o.size * 0.5;
        const double slot = groundCount == 1
                                ? rnd.uniform(0.15, 0.85)
                                : (i == 0 ? rnd.uniform(0.12, 0.42) : rnd.uniform(0.58, 0.88));
        o.cx = slot * m_aspect;
        o.onGround = true;
        groundObjects.push_back(o);
    }
    // Paint far (higher) ground objects first.
    std::sort(groundObjects.begin(), groundObjects.end(),
              [](const PlannedObject& a, const PlannedObject& b) {
                  return a.cy + a.size * 0.5 < b.cy + b.size * 0.5;
              });
    p.objects = skyObjects;
    p.objects.insert(p.objects.end(), groundObjects.begin(), groundObjects.end());

    const std::string sky = surfacePhrase(p.back, rnd, true),
                      ground = surfacePhrase(*p.ground, rnd, true);
    p.parts = {ground, sky};
    std::string gs;
    for (size_t i = 0; i < groundObjects.size(); ++i) {
        p.parts.push_back(objectPhrase(groundObjects[i], rnd));
        gs += (i ? " and " : "") + p.parts.back();
    }
    const std::string ss = skyObjects.empty() ? "" : objectPhrase(skyObjects[0], rnd);
    if (!ss.empty())
        p.parts.push_back(ss);
    const double u = rnd.uniform();
    if (!gs.empty() && ss.empty())
        p.caption = u < 0.7 ? gs + " on " + ground + " under " + sky : gs + " on " + ground;
    else if (gs.empty())
        p.caption = u < 0.5    ? ss + " in " + sky + " above " + ground
                    : u < 0.75 ? ss + " over " + ground
                               : ss + " in " + sky;
    else
        p.caption = u < 0.5 ? gs + " on " + ground + " under " + sky + " with " + ss
                            : ss + " in " + sky + " above " + gs + " on " + ground;
    if (rnd.chance(0.1)) { // prompt-style tag lists: "a red ball, green grass, a blue sky"
        std::string tags;
        for (const PlannedObject& o : p.objects)
            tags += objectPhrase(o, rnd) + ", ";
        p.caption = tags + ground + ", " + sky;
    }
    return p;
}

} // namespace md

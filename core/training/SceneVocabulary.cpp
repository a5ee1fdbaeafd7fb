#include "training/SceneVocabulary.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace md {

std::string SceneVocabulary::colourName(Colour colour)
{
    static const char* names[kColourCount] = {"red",    "green",  "blue", "yellow",
                                              "orange", "purple", "pink", "white",
                                              "black",  "gray",   "brown"};
    return names[static_cast<int>(colour)];
}

std::string SceneVocabulary::surfaceName(Surface surface)
{
    static const char* names[kSurfaceCount] = {
        "sky",  "night sky", "sunset", "clouds",    "sea",        "water", "grass",
        "sand", "snow",      "forest", "mountains", "brick wall", "wood",  "stone"};
    return names[static_cast<int>(surface)];
}

std::string SceneVocabulary::thingName(Thing thing)
{
    static const char* names[kThingCount] = {"sun", "moon", "ball", "box", "tree", "house", "star"};
    return names[static_cast<int>(thing)];
}

Rgb SceneVocabulary::colourRgb(Colour colour)
{
    static const Rgb values[kColourCount] = {
        {0.86f, 0.10f, 0.10f}, // red
        {0.15f, 0.66f, 0.20f}, // green
        {0.10f, 0.26f, 0.86f}, // blue
        {0.96f, 0.86f, 0.10f}, // yellow
        {0.96f, 0.52f, 0.06f}, // orange
        {0.52f, 0.16f, 0.68f}, // purple
        {0.97f, 0.55f, 0.72f}, // pink
        {0.95f, 0.95f, 0.95f}, // white
        {0.05f, 0.05f, 0.05f}, // black
        {0.50f, 0.50f, 0.50f}, // gray
        {0.46f, 0.28f, 0.11f}, // brown
    };
    return values[static_cast<int>(colour)];
}

std::vector<Colour> SceneVocabulary::allColours()
{
    std::vector<Colour> out;
    for (int i = 0; i < kColourCount; ++i)
        out.push_back(static_cast<Colour>(i));
    return out;
}

std::vector<Surface> SceneVocabulary::allSurfaces()
{
    std::vector<Surface> out;
    for (int i = 0; i < kSurfaceCount; ++i)
        out.push_back(static_cast<Surface>(i));
    return out;
}

std::vector<Thing> SceneVocabulary::allThings()
{
    std::vector<Thing> out;
    for (int i = 0; i < kThingCount; ++i)
        out.push_back(static_cast<Thing>(i));
    return out;
}

std::vector<std::string> SceneVocabulary::words()
{
    std::set<std::string> out = {"a",          "an",    "the",   "on",     "in",   "under",
                                 "over",       "above", "and",   "with",   "of",   "front",
                                 "background", "color", "plain", "cloudy", "blue", "starry",
                                 "wall",       "floor", ","};
    auto addWords = [&out](const std::string& phrase) {
        std::istringstream in(phrase);
        std::string word;
        while (in >> word)
            out.insert(word);
    };
    for (Colour c : allColours())
        addWords(colourName(c));
    for (Surface s : allSurfaces())
        addWords(surfaceName(s));
    for (Thing t : allThings())
        addWords(thingName(t));
    return {out.begin(), out.end()};
}

} // namespace md

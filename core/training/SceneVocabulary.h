#pragma once

// The closed vocabulary of the embedded model's procedural training data: colours,
// surfaces (frame-filling textures and scenes) and objects, with the words that name them
// in captions and the colours they are drawn with.

#include <array>
#include <string>
#include <vector>

namespace md {

enum class Colour { Red, Green, Blue, Yellow, Orange, Purple, Pink, White, Black, Gray, Brown };
enum class Surface {
    Sky,
    NightSky,
    Sunset,
    Clouds,
    Sea,
    Water,
    Grass,
    Sand,
    Snow,
    Forest,
    Mountains,
    BrickWall,
    Wood,
    Stone
};
enum class Thing { Sun, Moon, Ball, Box, Tree, House, Star };

constexpr int kColourCount = 11;
constexpr int kSurfaceCount = 14;
constexpr int kThingCount = 7;

using Rgb = std::array<float, 3>; // linear-ish sRGB in [0, 1]

class SceneVocabulary
{
public:
    static std::string colourName(Colour colour);    // "red"
    static std::string surfaceName(Surface surface); // "night sky", "brick wall"
    static std::string thingName(Thing thing);       // "ball"
    static Rgb colourRgb(Colour colour);             // the palette value a plain fill uses

    static std::vector<Colour> allColours();
    static std::vector<Surface> allSurfaces();
    static std::vector<Thing> allThings();

    // Every word a caption can contain (lower case, sorted, unique), and ",".
    static std::vector<std::string> words();
};

} // namespace md

#pragma once

// The region colours, one palette for the app and the CLI: new regions take the first
// colour no other region has, and a colour word in a region's prompt ("a red house") picks
// that hue, so the masks on the canvas read like the picture asked for. It lives in the
// document layer because the CLI writes projects too (`generate --save-project`, batch):
// their regions get the same colours the app would give, and since those are palette
// colours the app keeps them following the prompt (it never recolours a colour the user
// picked, i.e. one outside the palette).

#include "document/Project.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace md {

class RegionPalette
{
public:
    static constexpr std::size_t kSize = 12;

    // The index-th colour, repeating.
    static Colour colour(std::size_t index);
    // Whether `colour` is one of the palette's (a colour the app chose, not the user).
    static bool contains(const Colour& colour);
    // The palette hue named by the prompt's first colour word, if it has one.
    static std::optional<Colour> named(const std::string& prompt);
    // The first palette colour that none of `taken` is, else colour(taken.size()).
    static Colour unused(const std::vector<Colour>& taken);
    // A new region's colour: the one its prompt names while no other region has it, else
    // unused(taken).
    static Colour forPrompt(const std::string& prompt, const std::vector<Colour>& taken);
};

} // namespace md

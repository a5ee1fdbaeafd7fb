#include "document/RegionPalette.h"

#include <algorithm>
#include <cctype>

namespace md {

namespace {

const Colour kPalette[RegionPalette::kSize] = {
    {239, 83, 80},  {66, 165, 245}, {102, 187, 106}, {255, 202, 40}, {171, 71, 188}, {38, 198, 218},
    {255, 112, 67}, {236, 64, 122}, {156, 204, 101}, {126, 87, 194}, {255, 167, 38}, {41, 182, 246},
};

struct ColourWord
{
    const char* word;
    std::size_t palette; // index into kPalette
};
const ColourWord kWords[] = {
    {"red", 0},  {"crimson", 0},   {"scarlet", 0}, {"blue", 1},     {"azure", 1},
    {"navy", 1}, {"green", 2},     {"emerald", 2}, {"yellow", 3},   {"golden", 3},
    {"gold", 3}, {"purple", 4},    {"violet", 4},  {"lavender", 4}, {"cyan", 5},
    {"teal", 5}, {"turquoise", 5}, {"pink", 7},    {"magenta", 7},  {"orange", 10},
};

bool isTaken(const std::vector<Colour>& taken, const Colour& c)
{
    return std::find(taken.begin(), taken.end(), c) != taken.end();
}

} // namespace

Colour RegionPalette::colour(std::size_t index)
{
    return kPalette[index % kSize];
}

bool RegionPalette::contains(const Colour& colour)
{
    return std::find(std::begin(kPalette), std::end(kPalette), colour) != std::end(kPalette);
}

std::optional<Colour> RegionPalette::named(const std::string& prompt)
{
    std::string word;
    for (std::size_t i = 0; i <= prompt.size(); ++i) {
        const char c = i < prompt.size() ? prompt[i] : ' ';
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word += char(std::tolower(static_cast<unsigned char>(c)));
            continue;
        }
        for (const ColourWord& w : kWords)
            if (word == w.word)
                return kPalette[w.palette];
        word.clear();
    }
    return std::nullopt;
}

Colour RegionPalette::unused(const std::vector<Colour>& taken)
{
    for (const Colour& c : kPalette)
        if (!isTaken(taken, c))
            return c;
    return colour(taken.size());
}

Colour RegionPalette::forPrompt(const std::string& prompt, const std::vector<Colour>& taken)
{
    if (const std::optional<Colour> c = named(prompt); c && !isTaken(taken, *c))
        return *c;
    return unused(taken);
}

} // namespace md

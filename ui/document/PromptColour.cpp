#include "ui/document/PromptColour.h"

#include "ui/document/DocumentController.h"

#include <cctype>

namespace md {

namespace {
struct ColourWord
{
    const char* word;
    int palette; // index into DocumentController::paletteColour
};
const ColourWord kWords[] = {
    {"red", 0},  {"crimson", 0},   {"scarlet", 0}, {"blue", 1},     {"azure", 1},
    {"navy", 1}, {"green", 2},     {"emerald", 2}, {"yellow", 3},   {"golden", 3},
    {"gold", 3}, {"purple", 4},    {"violet", 4},  {"lavender", 4}, {"cyan", 5},
    {"teal", 5}, {"turquoise", 5}, {"pink", 7},    {"magenta", 7},  {"orange", 10},
};
} // namespace

std::optional<Colour> PromptColour::suggest(const std::string& prompt)
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
                return DocumentController::paletteColour(w.palette);
        word.clear();
    }
    return std::nullopt;
}

} // namespace md

#pragma once

// The overlay colour a region's prompt suggests: its first colour word ("a red house" ->
// the palette's red), so that the masks on the canvas read like the picture asked for.
// Only the palette's hues; nothing for prompts without a colour word.

#include "document/Project.h"

#include <optional>
#include <string>

namespace md {

class PromptColour
{
public:
    static std::optional<Colour> suggest(const std::string& prompt);
};

} // namespace md

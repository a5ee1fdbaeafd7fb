#pragma once

// The (label, value) lines `mdstudio-cli info` prints: the engine's description of the loaded
// architecture (Engine::describe) with the model's family-level facts from ModelInfo added
// where the description does not hold them yet: both text encoders (SDXL: CLIP-L and OpenCLIP
// bigG, with their parameter counts) and the VAE. A model with one text encoder (SD 1.x/2.x)
// prints no line for a second one.

#include "engine/EngineTypes.h"

#include <string>
#include <utility>
#include <vector>

namespace md::cli {

using InfoLine = std::pair<std::string, std::string>;

std::vector<InfoLine> infoLines(const ModelInfo& info, const std::vector<InfoLine>& described);

// "123456789 (123.46 M)", as the engine writes parameter counts.
std::string parameterCount(std::int64_t n);

} // namespace md::cli

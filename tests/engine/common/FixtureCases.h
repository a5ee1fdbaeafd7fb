#pragma once

// The "txt2img" case of a fixture's cases.json (tiny-sd15-cases.json,
// sdxl/tiny-sdxl-cases.json) as a request.

#include "engine/EngineTypes.h"

#include <string>

namespace md::test {

// `casesFile` is relative to the fixtures folder. Throws std::runtime_error when unreadable.
GenerateRequest txt2ImgCase(const std::string& casesFile, SamplerKind sampler);

} // namespace md::test

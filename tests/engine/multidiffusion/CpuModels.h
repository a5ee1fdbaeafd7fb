#pragma once

// Models loaded on the CPU in float32 for the MultiDiffusion tests, each once per process.

#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>

namespace md::test {

// Loads `path` (throws with the loader's message when it cannot).
std::shared_ptr<StableDiffusionModel> loadCpuModel(const std::string& path);
// The embedded model, resources/models/mds-tiny (loaded once).
std::shared_ptr<StableDiffusionModel> embeddedModel();

} // namespace md::test

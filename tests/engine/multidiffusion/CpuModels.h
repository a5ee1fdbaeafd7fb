#pragma once

// Models loaded on the CPU in float32 for the MultiDiffusion tests, each once per process
// (loadModelOnCpu, engine/common/CpuModel.h, for any other).

#include "engine/common/CpuModel.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>

namespace md::test {

// The embedded model, resources/models/mds-tiny (loaded once).
std::shared_ptr<StableDiffusionModel> embeddedModel();

} // namespace md::test

#pragma once

// Fixture models for the LoRA tests: a fresh copy per call (merging changes the weights), on
// the CPU in float32. (Their LoRA targets: loraTargetsOf, engine/common/ModelLoraTargets.h.)

#include "engine/common/ModelLoraTargets.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>

namespace md::test {

// "tiny-sd15" or "sdxl/tiny-sdxl" (diffusers folders of ../shared/fixtures) or an absolute
// path (e.g. the embedded model); throws.
std::shared_ptr<StableDiffusionModel> freshFixtureModel(const std::string& relative);

} // namespace md::test

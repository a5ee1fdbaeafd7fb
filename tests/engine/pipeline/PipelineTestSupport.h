#pragma once

// Shared set-up for the pipeline tests: the fixture model (loaded once per process) and
// the txt2img case of tiny-sd15-cases.json.

#include "engine/EngineTypes.h"
#include "engine/common/ReferenceTensors.h" // imageTensor
#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>
#include <torch/types.h>

namespace md::test {

// The diffusers folder of the fixture model on the CPU in float32 (loaded once).
std::shared_ptr<StableDiffusionModel> fixtureFolderModel();
// The single-file F16 checkpoint with the folder's tokenizer (loaded once).
std::shared_ptr<StableDiffusionModel> fixtureSingleFileModel();

// cases.json "txt2img" with the given sampler.
GenerateRequest fixtureTxt2ImgRequest(SamplerKind sampler);
// A quick run: 64x64, Euler, GenerateRequest's defaults otherwise (cfg, no negative prompt).
GenerateRequest smallEulerRequest(const std::string& prompt, int steps, std::uint64_t seed);

} // namespace md::test

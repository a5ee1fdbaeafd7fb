#pragma once

// The image-conditioning references of tests/engine/img2img/data (made by
// make_img2img_references.py with diffusers on the CPU in float32): the cases of
// img2img-cases.json as requests, their reference tensors, and the fixture models.

#include "engine/EngineTypes.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md::test {

// The names of the cases that start with `prefix` (e.g. "img2img.", "inpaint4.").
std::vector<std::string> img2imgCaseNames(const std::string& prefix);
// The case as a request: prompts, size, steps, cfg, seed, sampler, strength, the start image
// (img2img-init.png) and, for inpaint cases, the reroll mask (img2img-mask.png).
GenerateRequest img2imgCase(const std::string& name);
// "<case>.<what>" from img2img-reference.safetensors.
torch::Tensor img2imgReference(const std::string& name);
bool hasImg2imgReference(const std::string& name);

// tiny-sd15 (diffusers folder) and tiny-sdxl on the CPU in float32, each loaded once.
std::shared_ptr<StableDiffusionModel> img2imgSd15Model();
std::shared_ptr<StableDiffusionModel> img2imgSdxlModel();

} // namespace md::test

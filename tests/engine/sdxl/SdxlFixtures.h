#pragma once

// The tiny SDXL fixture (../shared/fixtures/sdxl): its models (loaded once per process),
// reference tensors, the txt2img case of tiny-sdxl-cases.json and the components' tolerance.

#include "engine/EngineTypes.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>
#include <torch/types.h>

namespace md::test {

// The diffusers folder on the CPU in float32.
std::shared_ptr<StableDiffusionModel> sdxlFolderModel();
// The single SGM-layout F16 file (its configs and tokenizers come from the folder beside it).
std::shared_ptr<StableDiffusionModel> sdxlSingleFileModel();
torch::Tensor sdxlReference(const std::string& name);
GenerateRequest sdxlTxt2ImgRequest(SamplerKind sampler);
// fixtures/README.md: components within 1e-4 x max(1, max|ref|).
double componentTolerance(const torch::Tensor& reference);

} // namespace md::test

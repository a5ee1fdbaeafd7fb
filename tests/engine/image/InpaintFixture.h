#pragma once

// A 9-channel inpainting model made from the tiny-sd15 fixture at test time, as
// tests/engine/img2img/make_img2img_references.py makes diffusers' one: the fixture's UNet
// with in_channels 9 and conv_in.weight replaced by the reference tensor
// `inpaint9.conv_in.weight` [32, 9, 3, 3] (the fixture's 4 input channels, then 5 channels
// of torch.manual_seed(1234) noise * 0.05, fp16-exact), and the img2img references' inputs.

#include "engine/EngineTypes.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <memory>
#include <string>
#include <torch/types.h>

namespace md::test {

// A tensor of tests/engine/img2img/data/img2img-reference.safetensors (throws when missing).
torch::Tensor img2imgReference(const std::string& name);

// The diffusers folder (written once per process): <tmp>/inpaint9-sd15.
std::string inpaintFolder();
// The single-file LDM checkpoint (F16, model.diffusion_model.input_blocks.0.0.weight
// widened), written once per process; load it with the fixture's tokenizer folder.
std::string inpaintSingleFile();
// SDXL: the tiny-sdxl single file (F16, SGM layout) with input_blocks.0.0.weight widened to
// 9 input channels by zeros, beside a copy of its diffusers folder (the configs and
// tokenizers a single SDXL file takes from <dir>/<stem>/) whose unet/config.json says
// in_channels 9. Written once per process.
std::string sdxlInpaintSingleFile();
// A folder whose conv_in.weight is `weight` [32, 9, 3, 3] (a fresh path per `tag`).
std::string inpaintFolderWithConvIn(const torch::Tensor& weight, const std::string& tag);

// Loads a model on the CPU (float32); throws with the loader's message.
std::shared_ptr<StableDiffusionModel> loadCpuModel(const std::string& path,
                                                   const std::string& tokenizerDir = {});
// Loaded once per process.
std::shared_ptr<StableDiffusionModel> inpaintModel();
std::shared_ptr<StableDiffusionModel> textToImageModel(); // the tiny-sd15 folder itself

// The references' init image (img2img-init.png, 256x256) and reroll mask (img2img-mask.png),
// made again from the script's formulas (numpy's round-half-even included).
RgbImage referenceInitImage();
MaskImage referenceMask();

} // namespace md::test

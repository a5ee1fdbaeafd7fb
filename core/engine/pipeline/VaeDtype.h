#pragma once

// The dtype the VAE is loaded and run in, from the working dtype (diffusers' rule).
//
// float16 asked on a GPU: the VAE runs in float16 too (half the decode time and memory), as
// diffusers' StableDiffusionPipeline does for SD 1.x / 2.x, except where the model's VAE
// overflows in float16: SDXL's, whose config says force_upcast (true unless the config says
// false, diffusers' default; fp16-fixed SDXL VAEs say false) -- diffusers' SDXL pipeline
// upcasts those to float32, and so do we. Everything else (float32, bfloat16, the CPU, where
// half-precision convolutions are slow) keeps the VAE in float32, as before.

#include "engine/io/ModelConfig.h"

#include <torch/types.h>

namespace md {

torch::Dtype vaeDtypeFor(const ModelConfig& config, torch::Dtype working,
                         const torch::Device& device);

} // namespace md

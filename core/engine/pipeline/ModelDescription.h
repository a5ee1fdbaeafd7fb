#pragma once

// One-line descriptions of a model's parts, for ModelInfo and `info`.

#include "engine/io/ModelConfig.h"

#include <string>
#include <torch/types.h>

namespace md {

// "CLIP (12 layers, width 768, quick_gelu)" or, for SDXL,
// "CLIP (12 layers, width 768, quick_gelu) + OpenCLIP (32 layers, width 1280, gelu, projection
// 1280)".
std::string describeTextEncoders(const ModelConfig& config);
// "scale 8, scaling factor 0.13025, float32 (fp16 overflows: upcast)".
// `sdxl`: the model is SDXL (only SDXL honours force_upcast, see VaeDtype.h).
std::string describeVae(const VaeConfig& vae, torch::Dtype dtype, bool sdxl);

} // namespace md

#pragma once

// Turns ModelOptions' device and dtype words into libtorch values.
//   device: "auto" (CUDA when available, else CPU), "cpu", "cuda", "cuda:N"
//   dtype:  "auto" (float32 on CPU, float16 on CUDA), "float32", "float16", "bfloat16"
// The VAE always runs in float32 (fp16 VAEs overflow to NaN on SD 1.x decoders).

#include "engine/Status.h"

#include <string>
#include <torch/types.h>

namespace md {

Result<torch::Device> resolveDevice(const std::string& name);
Result<torch::Dtype> resolveDtype(const std::string& name, const torch::Device& device);
std::string dtypeName(torch::Dtype dtype);           // "float32", "float16", "bfloat16"
std::string deviceName(const torch::Device& device); // "cpu", "cuda:0"

} // namespace md

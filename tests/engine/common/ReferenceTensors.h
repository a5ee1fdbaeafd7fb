#pragma once

// The reference tensors of the fixtures (tiny-sd15-reference.safetensors; names in
// fixtures/README.md). Missing files or names throw std::runtime_error with a clear
// message, which GoogleTest reports as a failure of the test that asked.

#include "engine/EngineTypes.h"

#include <string>
#include <torch/types.h>

namespace md::test {

// As stored (F32, F64, I64, I32 or U8), an owned CPU tensor. The file is opened once.
torch::Tensor referenceTensor(const std::string& name);
// The same from another reference file under the fixtures (e.g.
// "sdxl/tiny-sdxl-reference.safetensors").
torch::Tensor referenceTensorIn(const std::string& fixtureFile, const std::string& name);

// max |a - b| computed in float64; throws when the shapes differ. NaN anywhere gives NaN
// (so EXPECT_LE(maxAbsDiff(..), tol) fails).
double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b);

// [H, W, 3] uint8 tensor of an RgbImage (a copy).
torch::Tensor imageTensor(const RgbImage& image);
// PSNR in dB of two uint8 HWC images of the same shape (infinity when identical).
double psnrU8(const torch::Tensor& a, const torch::Tensor& b);

} // namespace md::test

#pragma once

// Shared helpers of the nn tests: the fixture checkpoint (loaded once) and the component
// tolerance of fixtures/README.md, max |diff| <= 1e-4 * max(1, max |ref|), printed.

#include "engine/io/Checkpoint.h"
#include "engine/nn/Transformer2DModel.h"

#include <string>
#include <torch/types.h>

namespace md::test {

// tiny-sd15 (diffusers folder) through io's loadCheckpoint; throws with the loader's message.
const Checkpoint& tinyCheckpoint();

// Prints "<what>: max|diff| = E (tolerance T)" and returns E <= T.
bool withinComponentTolerance(const std::string& what, const torch::Tensor& output,
                              const torch::Tensor& reference);

// A small transformer block (32 channels, 2 heads, context 16, 8 groups) for adapter tests.
nn::Transformer2DModel smallTransformerBlock();

} // namespace md::test

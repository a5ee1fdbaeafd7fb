#pragma once

// Whether a tensor holds only finite values: one reduction and one host sync, cheap enough to
// run on the latents once per step. NaN or Inf weights (a corrupt file) otherwise flow
// silently through every stage and come out as an all-black image.

#include <string>
#include <torch/types.h>

namespace md {

bool allFinite(const torch::Tensor& t);

// "the UNet produced non-finite values at step 3 of 20: the model's weights may be corrupt"
// (`where` is "at step 3 of 20", "for prompt 2 of 4", ...).
std::string nonFiniteMessage(const std::string& stage, const std::string& where);

} // namespace md

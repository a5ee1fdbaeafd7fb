#pragma once

// mdlorabench's UNet and adapters: the shapes it builds (SD 1.5's, the fixture's narrow ones,
// or a diffusers config.json such as the embedded model's) and random rank-r adapters on the
// layers kohya's LoRA trains (attention q/k/v/out, feed-forward, proj_in / proj_out).

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"

#include <cstdint>
#include <string>
#include <torch/nn/module.h>

namespace md::bench {

// "sd15", "fixture" or the path of a diffusers UNet config.json.
Result<UNetConfig> loraBenchShapes(const std::string& shapes);
// Random adapters for `slot` on every target layer; returns their parameter count.
int64_t attachRandomAdapters(torch::nn::Module& unet, int slot, int64_t rank);
// Rebuilds every layer's stack (StackedAdapters) after adapters were attached.
void restackAllAdapters(torch::nn::Module& unet);

} // namespace md::bench

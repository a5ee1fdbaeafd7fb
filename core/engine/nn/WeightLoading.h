#pragma once

// Binds a checkpoint's tensors to a module by name. Every parameter and buffer of the module
// must be present with the same shape; the checks run before anything is loaded, and an error
// lists the first problems, e.g.
//   "unet: tiny.safetensors: model.diffusion_model.input_blocks.0.0.weight (as conv_in.weight)
//    has shape [32, 4, 3, 3], the detected architecture expects [320, 4, 3, 3]"
// Tensors of the file that the module does not use are not an error: they are listed in the
// report (e.g. text_projection.weight for a CLIPTextModel).
//
// Loading runs outside any InferenceMode of the caller, so the loaded parameters can be
// trained as well.

#include "engine/Status.h"
#include "engine/io/WeightSet.h"

#include <string>
#include <torch/nn/module.h>
#include <torch/types.h>
#include <vector>

namespace md::nn {

struct WeightLoadReport
{
    size_t loaded = 0;
    std::vector<std::string> unused; // names in the weights that the module has no use for
    // "" or a one-line note naming the first unused tensors, for logs.
    std::string warning(const std::string& component) const;
};

// Each tensor is read as `dtype` (floating tensors) and moved to `device` one at a time.
Status loadWeights(torch::nn::Module& module, const WeightSet& weights,
                   const std::string& component, torch::Dtype dtype,
                   torch::Device device = torch::kCPU, WeightLoadReport* report = nullptr);

// "[320, 4, 3, 3]"
std::string shapeString(torch::IntArrayRef shape);

} // namespace md::nn

#pragma once

// A module's parameters and buffers under their names (the diffusers / transformers keys),
// written to and read from .safetensors files: the exported model and the trainer's
// checkpoints.

#include "engine/Status.h"

#include <map>
#include <optional>
#include <string>
#include <torch/torch.h>
#include <utility>
#include <vector>

namespace md {

class ModuleWeights
{
public:
    static std::vector<std::pair<std::string, torch::Tensor>>
    named(const torch::nn::Module& module);

    static Status save(const std::string& path, const torch::nn::Module& module,
                       std::optional<torch::Dtype> storeAs,
                       const std::map<std::string, std::string>& metadata = {});
    // Every parameter and buffer must be in the file with its shape; values are converted
    // to each parameter's dtype and device.
    static Status load(const std::string& path, torch::nn::Module& module);
    // Metadata of a safetensors file.
    static Result<std::map<std::string, std::string>> metadata(const std::string& path);
};

} // namespace md

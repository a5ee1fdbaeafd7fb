#pragma once

// Writes a .safetensors file: little-endian u64 header length, a JSON header space-padded
// so the data starts on an 8-byte boundary, then the tensors (largest element size first,
// so every tensor is aligned). Atomic: written to `path + ".tmp"`, fsynced, then renamed.

#include "engine/Status.h"

#include <map>
#include <optional>
#include <string>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md {

// `storeAs` converts floating tensors (integer tensors are stored as they are). Names must
// be unique and must not be "__metadata__". Tensors may live on any device.
Status writeSafetensors(const std::string& path,
                        const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                        const std::map<std::string, std::string>& metadata = {},
                        std::optional<torch::Dtype> storeAs = {});

} // namespace md

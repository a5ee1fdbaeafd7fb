#pragma once

// Saves the adapters of one slot of a model's layers (e.g. ones just trained through the
// layers' forward) as a kohya-format LoRA file that LoraFile reads back: lora_unet_<path>,
// lora_te_<path> (SDXL: lora_te1_ / lora_te2_) with .lora_down.weight, .lora_up.weight,
// .alpha (= alphaOverRank * rank), .lora_mid.weight (CP) and .dora_scale when present.

#include "engine/Status.h"
#include "engine/lora/LoraAttachment.h"

#include <map>
#include <optional>
#include <string>
#include <torch/types.h>

namespace md::lora {

// Errors: no adapter of that slot on any layer, or the file cannot be written. `storeAs`:
// e.g. torch::kFloat16 (default: float32).
Status saveLora(const LoraTargets& targets, int slot, const std::string& path,
                const std::map<std::string, std::string>& metadata = {},
                std::optional<torch::Dtype> storeAs = torch::kFloat32);

} // namespace md::lora

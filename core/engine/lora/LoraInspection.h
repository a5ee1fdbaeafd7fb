#pragma once

// What a LoRA file is, from its header alone (Engine::inspectLora): family, format, rank,
// module counts, unknown keys, trigger words and base model from the kohya metadata.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <map>
#include <string>
#include <vector>

namespace md::lora {

Result<LoraInfo> inspectLoraFile(const std::string& path);

// The `count` most frequent tags of kohya's ss_tag_frequency (JSON: dataset -> {tag: count}),
// summed over datasets, most frequent first (ties: alphabetical). Empty for missing or
// malformed metadata.
std::vector<std::string> triggerWords(const std::map<std::string, std::string>& metadata,
                                      size_t count = 10);
// ss_base_model_version, else ss_sd_model_name, else modelspec.architecture; "" when none.
std::string baseModelOf(const std::map<std::string, std::string>& metadata);

} // namespace md::lora

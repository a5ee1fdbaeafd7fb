#pragma once

// Reading the config.json files of a diffusers folder into ModelConfig parts. Missing keys
// take diffusers' / transformers' class defaults; wrong types are errors that name the file
// and the key.

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"

#include <nlohmann/json.hpp>
#include <string>

namespace md {

// Parses a JSON file (at most 16 MB); errors name the file.
Result<nlohmann::json> readJsonFile(const std::string& path);

// `source` (e.g. "tiny-sd15/unet/config.json") prefixes every message.
// UNet: the legacy "attention_head_dim" holds head COUNTS when "num_attention_heads" is null;
// an int is repeated for every block. SDXL's "text_time" added conditioning is read; other
// add-ons (class_embed_type, encoder_hid_dim, ...) are refused as unsupported.
Result<UNetConfig> unetConfigFromJson(const nlohmann::json& j, const std::string& source);
Result<VaeConfig> vaeConfigFromJson(const nlohmann::json& j, const std::string& source);
// transformers' legacy eos_token_id 2 means "pool at argmax(input_ids)", i.e. at the
// highest id, which is <|endoftext|> = vocab_size - 1 in CLIP vocabularies: it becomes
// vocab_size - 1.
Result<TextEncoderConfig> textEncoderConfigFromJson(const nlohmann::json& j,
                                                    const std::string& source);
Result<SchedulerConfig> schedulerConfigFromJson(const nlohmann::json& j, const std::string& source);

} // namespace md

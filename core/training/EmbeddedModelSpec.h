#pragma once

// The architecture of the embedded default model (and of the candidates measured when it
// was sized, and of the micro model the tests train), plus the diffusers-layout config
// files that describe it, so that the normal loader reads the exported folder.

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace md {

struct EmbeddedModelSpec
{
    std::string name; // "mds-tiny"
    ModelConfig config;
    int nativeSize = 512; // pixels

    // "mds-tiny" (the shipped model), "micro" (tests), the sizing candidates "cand-a" ...,
    // "sd15" and "sdxl" (SD 1.5's and SDXL base's shapes, for benchmarks). See presetNames().
    static Result<EmbeddedModelSpec> preset(const std::string& name);
    static std::vector<std::string> presetNames();

    nlohmann::json unetJson() const;
    nlohmann::json vaeJson() const;
    nlohmann::json textEncoderJson() const;
    nlohmann::json schedulerJson() const;
    nlohmann::json modelIndexJson() const;
    // Beside tokenizer/spiece.model: the special tokens and the 77-token framing.
    static nlohmann::json tokenizerConfigJson(int maxLength);

    // Writes model_index.json and {unet,vae,text_encoder}/config.json,
    // scheduler/scheduler_config.json under `dir` (creating the folders).
    Status writeConfigs(const std::string& dir) const;
};

} // namespace md

#pragma once

// Turns a trainer export (fp16 weights + state.json) into the diffusers folder the engine
// loads: model_index.json, unet/, vae/, text_encoder/ (config.json + weights),
// scheduler/scheduler_config.json, tokenizer/spiece.model + tokenizer_config.json.

#include "engine/Status.h"

#include <string>

namespace md {

class ModelAssembler
{
public:
    static Status assemble(const std::string& exportDir, const std::string& tokenizerModel,
                           const std::string& outDir);
};

} // namespace md

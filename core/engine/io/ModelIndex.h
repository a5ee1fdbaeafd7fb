#pragma once

// A diffusers folder's model_index.json, checked before any component is read: a JSON
// object, a pipeline class this engine runs (StableDiffusionPipeline,
// StableDiffusionXLPipeline), and the components that class needs (unet, vae, text_encoder;
// SDXL also text_encoder_2), each listed as [library, class] with a class the engine has.

#include "engine/Status.h"

#include <nlohmann/json.hpp>
#include <string>

namespace md {

struct ModelIndex
{
    std::string pipelineClass; // "" when the index names none
    bool textEncoder2 = false; // lists a text_encoder_2
    bool forceZerosForEmptyPrompt = false;
    bool forceZerosGiven = false; // the index sets force_zeros_for_empty_prompt
};

// `source` (the file's path) prefixes every message.
Result<ModelIndex> modelIndexFromJson(const nlohmann::json& j, const std::string& source);

// "StableDiffusionPipeline, StableDiffusionXLPipeline".
std::string supportedPipelineClasses();

} // namespace md

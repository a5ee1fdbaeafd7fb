#pragma once

// Whether a request can run on a loaded model: sizes, steps, cfg, regions and the view
// settings against the limits in EngineTypes.h and the model (its VAE factor and training
// timesteps), and the prompts against the prompt limits (bytes, chunks per prompt, chunks
// per generation) before anything is encoded, and their <lora:NAME:W> tags (well formed, not
// in a negative prompt, NAME.safetensors in one of the LoRA folders; pipeline/LoraFiles.h).
// The message says what to change.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

namespace md {

class StableDiffusionModel;

Status validateRequest(const GenerateRequest& request, const StableDiffusionModel& model);

} // namespace md

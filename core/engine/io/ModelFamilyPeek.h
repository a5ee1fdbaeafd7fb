#pragma once

// The family of a model on disk without loading it, for lists such as the app's model picker.
// Plain C++ (no libtorch, no Qt): it reads only a single file's safetensors JSON header, or a
// diffusers folder's model_index.json and component configs, so it takes milliseconds even for
// multi-GB checkpoints. Loading the model (Engine::load, ModelInfo::family) has the last word.

#include <string>

namespace md {

// "SDXL", "SD 2.x" or "SD 1.x" (the names ModelInfo::family uses), the embedded model's family
// for a model that names itself as one of this project's, or "" when `path` is not a model
// that can be read (missing, not safetensors, no UNet weights, a corrupt header).
//   single file: `conditioner.embedders.1.` keys: SDXL; `cond_stage_model.model.` keys
//     (OpenCLIP): SD 2.x; other SGM `conditioner.` layouts (e.g. the SDXL refiner): "";
//     `model.diffusion_model.` keys otherwise: SD 1.x.
//   folder: a StableDiffusionXL pipeline, a text_encoder_2 or a UNet with "text_time"
//     added conditioning: SDXL; an OpenCLIP text encoder (gelu, 1024 wide) or a 1024-wide
//     cross-attention: SD 2.x; otherwise SD 1.x.
std::string peekModelFamily(const std::string& path);

} // namespace md

#pragma once

// A single file's configs from a diffusers folder of the same model sitting beside it
// (CheckpointOptions::useSiblingConfigs). Internal to io/.

#include "engine/io/Checkpoint.h"

#include <string>
#include <vector>

namespace md {

// Which configs replaced the detected ones (their guesses are then not worth reporting).
struct AdoptedConfigs
{
    bool unet = false;
    bool vae = false;
    bool textEncoder = false;
    bool textEncoder2 = false;
    bool scheduler = false;
};

// Diffusers folders that may describe the file at `path`: <dir>/<stem>/, the tokenizer
// option itself (a pipeline folder) and the folder that holds it.
std::vector<std::string> siblingRoots(const std::string& path, const CheckpointOptions& options);

// Adopts the config files of the first sibling folder that describes THIS model: its
// unet/config.json must be there and every config present (vae, text_encoder, and for SDXL
// text_encoder_2) must agree with the weights (a VAE or text encoder config alone proves
// nothing: many models share them). A folder with any disagreeing config is ignored as a
// whole, scheduler and model_index.json included. Notes go to ckpt.notes.
AdoptedConfigs adoptSiblingConfigs(Checkpoint& ckpt, const std::string& path,
                                   const CheckpointOptions& options);

} // namespace md

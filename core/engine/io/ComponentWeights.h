#pragma once

// The weight files of one component of a diffusers folder (unet/, vae/, text_encoder/, ...)
// and its weight variants (diffusers' `variant=`, named as diffusers names them):
//   plain    <stem>.safetensors, or sharded <stem>.safetensors.index.json
//   variant  <stem>.<variant>.safetensors, or sharded <stem>.safetensors.index.<variant>.json
//            (also accepted: <stem>.<variant>.safetensors.index.json)
// with <stem> diffusion_pytorch_model (unet, vae) or model (text encoders). Without a
// variant the plain files are read, else the .fp16 ones (folders that ship only those).

#include "engine/Status.h"
#include "engine/io/SafetensorsFile.h"

#include <memory>
#include <string>
#include <vector>

namespace md {

struct ComponentWeights
{
    std::vector<std::shared_ptr<const SafetensorsFile>> files;
    bool variant = false; // the files are the asked variant's (not the plain fallback)
    std::string source;   // the file (or index) read, relative to the component folder
};

// `variant`: "" for the plain weights; else that variant's files where the component has
// them, the plain ones otherwise (ComponentWeights::variant says which).
Result<ComponentWeights> openComponentWeights(const std::string& componentDir,
                                              const std::string& variant);

// The variants in a folder's component folders (unet, vae, text_encoder, text_encoder_2):
// sorted, unique, "fp16" included.
std::vector<std::string> folderWeightVariants(const std::string& dir);

// A variant name is letters, digits, '_' and '-' (it becomes part of file names).
Status checkVariantName(const std::string& variant);

} // namespace md

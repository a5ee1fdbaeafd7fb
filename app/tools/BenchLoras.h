#pragma once

// LoRA per region in mdfusionbench (issue 14): tags added to a case's prompts.
//   none     no tag
//   global   <lora:NAMES[0]:W> in the background prompt: it acts on every pass (one set)
//   regions  <lora:NAMES[i]:W> in region i's prompt (names cycled): each region's passes run
//            with their own LoRA, the background's without
// The files are NAME.safetensors in `dir`.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <string>
#include <vector>

namespace md::bench {

struct LoraOptions
{
    std::string mode = "none";
    std::string dir;
    std::vector<std::string> names;
    float weight = 1.0f;
};

Status addLoras(GenerateRequest& request, const LoraOptions& options);

// Peak resident memory of this process in MiB (getrusage).
double peakRssMiB();

} // namespace md::bench

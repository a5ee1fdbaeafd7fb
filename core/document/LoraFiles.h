#pragma once

// Where the <lora:NAME:W> tags of a request's prompts find their files, and what a result
// records of them. NAME resolves to NAME.safetensors in the first of GenerateRequest::loraDirs
// that has it (the engine's rule, engine/Engine.h lorasOf); a missing file is an error naming
// the LoRA and the folders searched.

#include "document/Project.h"
#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <string>
#include <vector>

namespace md {

// The file of the LoRA `name` in `dirs`; an error naming the LoRA and every folder searched
// (or saying that no LoRA folder is set). A name that is not a plain file name (a '/', a
// leading '.') is refused.
Result<std::string> findLoraFile(const std::string& name, const std::vector<std::string>& dirs);

// The .safetensors files directly in `dir`, sorted by name (what the LoRA browser and
// `mdstudio-cli loras` list); an error when `dir` is not a readable folder.
Result<std::vector<std::string>> loraFilesIn(const std::string& dir);

// The LoRAs the request's prompts name (background prompt first, then each region's), in
// order of first use, with the weights of that use; no file is read.
std::vector<ResultLora> lorasOfPrompts(const GenerateRequest& request);

// The same, each found in request.loraDirs and hashed (LoraHash.h): what a result records.
Result<std::vector<ResultLora>> recordLoras(const GenerateRequest& request);

} // namespace md

#pragma once

// The LoRA files of a request (issue 14): its <lora:NAME:...> tags checked and each NAME
// found as NAME.safetensors in GenerateRequest::loraDirs (the first folder that has it wins).

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <vector>

namespace md {

// Malformed tags (LoraTags' errors) and tags in a negative prompt, each named with its
// prompt ("region 2's prompt: the LoRA tag ...").
Status checkLoraTags(const GenerateRequest& request);

// The files of loraNamesOf(request), in that order. Names holding '/', '\' or ".." are
// refused (a tag names a file in a LoRA folder, not a path); a name found in no folder is an
// error naming it and the folders searched.
Result<std::vector<LoraFileUse>> resolveLoraFiles(const GenerateRequest& request);

} // namespace md

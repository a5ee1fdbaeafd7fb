#pragma once

// LoRA on a loaded StableDiffusionModel (see lora/LoraAttachment.h for what each call does):
// read a file against the model's own layers, attach it to a slot, detach, or merge.

#include "engine/Status.h"
#include "engine/lora/LoraAttachment.h"
#include "engine/lora/LoraFile.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <string>

namespace md {

lora::LoraTargets loraTargets(StableDiffusionModel& model);
// The file read against the model's layers (kohya names resolve to exactly its modules).
Result<lora::LoraFile> readLoraFor(StableDiffusionModel& model, const std::string& path);
Status attachLora(StableDiffusionModel& model, const lora::LoraFile& file, int slot);
void detachLoras(StableDiffusionModel& model, int slot = lora::kAllSlots);
Status mergeLora(StableDiffusionModel& model, const lora::LoraFile& file, float unetWeight,
                 float textWeight);

} // namespace md

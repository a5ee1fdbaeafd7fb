#pragma once

// Putting a LoRA file's weights on a loaded model's layers:
//   attachLora  adds LowRankAdapter entries (slot `slot`) to the matching Linear / Conv2d
//               layers, on their device and dtype; the model's weights stay as they are and
//               AdapterScales (nn/LowRankAdapter.h) enables the slot per call (or per sample:
//               each layer's stack of adapters, nn/StackedAdapters.h, is rebuilt).
//   detachLoras removes a slot's adapters (every slot with kAllSlots) and restacks.
//   mergeLora   adds the update to the weights: W += w * alpha/r * up @ down (DoRA: the merged
//               formula of LowRankAdapter.h), unetWeight for UNet layers, textWeight for text
//               encoder layers.
// All three check the whole file first (family, every module present, every shape) and
// change nothing on an error, which names the module.

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"
#include "engine/lora/LoraFile.h"
#include "engine/lora/LoraModuleTable.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"

namespace md::lora {

// The networks of a loaded model (StableDiffusionModel's unetModule(), textModule(),
// text2Module(), config().family); pipeline/ModelLoras.h builds it from the model.
struct LoraTargets
{
    nn::UNet2DConditionModel unet{nullptr};
    nn::ClipTextModel text{nullptr};
    nn::ClipTextModel text2{nullptr}; // SDXL's second encoder; null otherwise
    ModelFamily family = ModelFamily::Unknown;

    // The table to read LoRA files against for these networks (LoraModuleTable::of).
    LoraModuleTable moduleTable() const;
};

constexpr int kAllSlots = -1;

// Errors: a LoRA of another family ("… is an SD 1.x LoRA; the loaded model is SDXL"), a module
// the model lacks, a shape that does not fit.
Status checkLoraFits(const LoraTargets& targets, const LoraFile& file);
Status attachLora(const LoraTargets& targets, const LoraFile& file, int slot);
void detachLoras(const LoraTargets& targets, int slot);
Status mergeLora(const LoraTargets& targets, const LoraFile& file, float unetWeight,
                 float textWeight);

} // namespace md::lora

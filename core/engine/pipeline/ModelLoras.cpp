#include "engine/pipeline/ModelLoras.h"

namespace md {

lora::LoraTargets loraTargets(StableDiffusionModel& model)
{
    lora::LoraTargets t;
    t.unet = model.unetModule();
    t.text = model.textModule();
    t.text2 = model.text2Module();
    t.family = model.config().family;
    return t;
}

Result<lora::LoraFile> readLoraFor(StableDiffusionModel& model, const std::string& path)
{
    return lora::LoraFile::read(path, loraTargets(model).moduleTable());
}

Status attachLora(StableDiffusionModel& model, const lora::LoraFile& file, int slot)
{
    return lora::attachLora(loraTargets(model), file, slot);
}

void detachLoras(StableDiffusionModel& model, int slot)
{
    lora::detachLoras(loraTargets(model), slot);
}

Status mergeLora(StableDiffusionModel& model, const lora::LoraFile& file, float unetWeight,
                 float textWeight)
{
    return lora::mergeLora(loraTargets(model), file, unetWeight, textWeight);
}

} // namespace md

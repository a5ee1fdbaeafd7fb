// Engine's LoRA file inspection (the rest of Engine is in Engine.cpp).
#include "engine/Engine.h"
#include "engine/lora/LoraInspection.h"

namespace md {

Result<LoraInfo> Engine::inspectLora(const std::string& path)
{
    return lora::inspectLoraFile(path);
}

} // namespace md

// Fuzz target: a diffusers config.json, read as each of the four component configs
// (unet, vae, text_encoder, scheduler). A wrong type or value must be an error, never an
// exception or a crash.
#include "engine/io/DiffusersConfig.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const char* text = reinterpret_cast<const char*>(data);
    nlohmann::json j = nlohmann::json::parse(text, text + size, nullptr, false);
    if (j.is_discarded())
        return 0;
    (void)md::unetConfigFromJson(j, "fuzz/unet/config.json");
    (void)md::vaeConfigFromJson(j, "fuzz/vae/config.json");
    (void)md::textEncoderConfigFromJson(j, "fuzz/text_encoder/config.json");
    (void)md::schedulerConfigFromJson(j, "fuzz/scheduler/scheduler_config.json");
    return 0;
}

#include "engine/pipeline/VaeDtype.h"

namespace md {

torch::Dtype vaeDtypeFor(const ModelConfig& config, torch::Dtype working,
                         const torch::Device& device)
{
    if (device.is_cpu() || working != torch::kHalf)
        return torch::kFloat32;
    // SD 1.x / 2.x: diffusers' pipeline ignores force_upcast (their VAEs are fine in float16).
    if (config.hasTextEncoder2 && config.vae.forceUpcast)
        return torch::kFloat32;
    return torch::kHalf;
}

} // namespace md

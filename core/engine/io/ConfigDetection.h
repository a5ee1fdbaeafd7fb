#pragma once

// Architecture from tensor names and SHAPES (diffusers names, see WeightSet.h), never from
// hard-coded widths; and the check that a config file agrees with the weights it describes.
//
// What the shapes cannot tell is filled by documented rules, and each guess is added to
// `notes`:
//  - UNet head counts: SD 2.x style (linear proj_in and a 1024-wide cross-attention
//    context) uses head_dim 64, so heads = channels / 64 per block; everything else uses
//    8 heads per block (SD 1.x, and diffusers' default attention_head_dim for unknown small
//    models).
//  - Text encoder heads: width >= 512 and divisible by 64 -> width / 64 (every released
//    CLIP / OpenCLIP text tower: 512/8, 768/12, 1024/16, 1280/20). Smaller widths have no
//    public rule; the guess is head_dim 8 (width / 8, the convention of the tiny test CLIPs
//    of transformers / diffusers), flagged as a guess. A config.json or an override wins.
//  - VAE norm groups 32, scaling factor 0.18215 (SD 1.x / 2.x values).

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"
#include "engine/io/WeightSet.h"

#include <string>
#include <vector>

namespace md {

Result<UNetConfig> detectUNetConfig(const WeightSet& unet, std::vector<std::string>& notes);
Result<VaeConfig> detectVaeConfig(const WeightSet& vae, std::vector<std::string>& notes);
// `openClip`: gelu activation (OpenCLIP) instead of quick_gelu (OpenAI CLIP).
Result<TextEncoderConfig> detectTextEncoderConfig(const WeightSet& textEncoder, bool openClip,
                                                  std::vector<std::string>& notes);

// The shape-derived fields of `config` (from `source`, e.g. "unet/config.json") against
// the weights: an error names the field, both values and the tensor that shows it.
Status checkUNetConfig(const UNetConfig& config, const WeightSet& unet, const std::string& source);
Status checkVaeConfig(const VaeConfig& config, const WeightSet& vae, const std::string& source);
Status checkTextEncoderConfig(const TextEncoderConfig& config, const WeightSet& textEncoder,
                              const std::string& source);

} // namespace md

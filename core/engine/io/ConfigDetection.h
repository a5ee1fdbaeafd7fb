#pragma once

// Architecture from tensor names and SHAPES (diffusers names, see WeightSet.h), never from
// hard-coded widths; and the check that a config file agrees with the weights it describes.
//
// What the shapes cannot tell is filled by documented rules, and each guess is added to
// `notes`:
//  - UNet head counts: SD 2.x style (linear proj_in and a 1024-wide cross-attention
//    context) uses head_dim 64, so heads = channels / 64 per block; SDXL style (the
//    "text_time" added conditioning, add_embedding.*) uses head_dim 64 too (SDXL base
//    [320, 640, 1280] -> [5, 10, 20]), and a level whose width is not a multiple of 64 (tiny
//    test models only) gets 8 heads, flagged as a guess when it has attention; everything
//    else uses 8 heads per block (SD 1.x, and diffusers' default attention_head_dim for
//    unknown small models).
//  - SDXL's addition_time_embed_dim: add_embedding.linear_1 takes pooled + 6 * d inputs,
//    where pooled is text encoder 2's projection width (SDXL: 2816 = 1280 + 6 * 256).
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
// SDXL: addition_time_embed_dim from projection_class_embeddings_input_dim and the pooled
// width; nothing to do for a UNet without added conditioning.
Status detectAddedTimeEmbedDim(UNetConfig& unet, int pooledDim);
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

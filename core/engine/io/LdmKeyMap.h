#pragma once

// Presents a single-file LDM checkpoint (the original CompVis / Stability layout) under
// diffusers / transformers names (see WeightSet.h). The tables follow the public layouts:
//   UNet  model.diffusion_model.*: input_blocks / middle_block / output_blocks ->
//         down_blocks / mid_block / up_blocks, LDM resnet names -> diffusers names.
//   VAE   first_stage_model.* (or vae.*): down.i / up.i (reversed) / mid.*, attention
//         q/k/v/proj_out 1x1 convs -> to_q/to_k/to_v/to_out.0 Linear weights.
//   Text  cond_stage_model.transformer[.text_model].* (SD 1.x CLIP, already HF names) or
//         cond_stage_model.model.* (SD 2.x OpenCLIP: in_proj split into q/k/v by rows,
//         text_projection transposed, the LAST resblock dropped because SD 2.x conditions
//         on the penultimate layer followed by ln_final; a 23-block file, converted from
//         diffusers, keeps all 23). conditioner.embedders.0.* too.
//   SDXL  (the SGM layout, conditioner.embedders.1.model.* present): encoder 1 =
//         conditioner.embedders.0.transformer.* (CLIP ViT-L, HF names) -> textEncoder;
//         encoder 2 = conditioner.embedders.1.model.* (OpenCLIP ViT-bigG, converted as for
//         SD 2.x but keeping ALL resblocks: SDXL takes the penultimate hidden state and the
//         last layer's pooled output) -> textEncoder2; label_emb.0.0 / label_emb.0.2 ->
//         add_embedding.linear_1 / linear_2. A refiner (one OpenCLIP encoder + label_emb)
//         is refused.
// CLIP position_ids are never mapped. Tensors outside these prefixes (model_ema.*, schedule
// buffers, ...) are ignored.

#include "engine/Status.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/WeightSet.h"

#include <memory>
#include <string>
#include <vector>

namespace md {

enum class TextEncoderLayout { Clip, OpenClip };

struct LdmMapping
{
    WeightSet unet{"unet"};
    WeightSet vae{"vae"};
    WeightSet textEncoder{"text_encoder"};
    WeightSet textEncoder2{"text_encoder_2"}; // SDXL only
    bool sdxl = false;                        // the SGM layout with two text encoders
    TextEncoderLayout textLayout = TextEncoderLayout::Clip;
    int openClipBlocksInFile = 0; // OpenCLIP: resblocks in the file (one more than mapped)
    std::vector<std::string> notes;
};

Result<LdmMapping> mapLdmCheckpoint(const std::shared_ptr<const SafetensorsFile>& file);

// Renames one LDM UNet key (without "model.diffusion_model.") for `layersPerBlock`;
// "" when the key has no diffusers counterpart.
std::string mapLdmUNetKey(const std::string& key, int layersPerBlock);
// Renames one LDM VAE key (without "first_stage_model."), `upLevels` decoder levels.
std::string mapLdmVaeKey(const std::string& key, int upLevels);

} // namespace md

#pragma once

// The prediction type (epsilon or v) of a single-file checkpoint that comes without a
// scheduler config. Applied only when no scheduler_config.json (folder or matching sibling
// folder) says it; the user's --prediction (ModelOptions::prediction) overrides all of it.
//
// The rule, first match wins:
//  1. The file's metadata: "modelspec.prediction_type" ("v" / "v_prediction" or "epsilon",
//     Stability's SAI model spec), else "modelspec.architecture" (an id ending in "-v", e.g.
//     "stable-diffusion-v2-768-v", means v; "stable-diffusion-v1*" / "...-v2-512" epsilon).
//  2. A tensor named "v_pred" (the marker that some trainers write into v-models): v.
//  3. SD 1.x and SDXL families: epsilon (every released SD 1.x and SDXL base model is).
//  4. SD 2.x with the released architecture (block_out_channels [320, 640, 1280, 1280],
//     1024-wide context): the population std of the last up block's last transformer
//     norm1.bias (LDM output_blocks.11.1.transformer_blocks.0.norm1.bias) > 0.09 means v,
//     else epsilon. This is ComfyUI's statistic, calibrated on the trained SD 2.x weights (768-v
//     models are far above it, 512-base ones below); it says nothing about other sizes, so it
//     is not applied to them. One tensor read, no network run. (stable-diffusion.cpp instead
//     runs the UNet once on a constant latent at t=999; that costs a full UNet call and is
//     equally meaningless for untrained weights, so it is not done here.)
//  5. Any other SD 2.x-style model: v_prediction, the default diffusers uses for SD 2.x single
//     files (the 768-v model), reported as a guess with the --prediction hint.
// The native size follows: "modelspec.resolution" when present, else 768 px for SD 2.x v
// models, 512 px for SD 2.x epsilon models and 1024 px for SDXL (SD 1.x keeps its default).
//
// Zero terminal SNR (SchedulerConfig::rescaleBetasZeroSnr): a tensor named "ztsnr", or an
// SDXL file with the "v_pred" marker (NoobAI-v-pred ships both; the v-prediction SDXL
// fine-tunes are trained on the zero-terminal-SNR schedule and sampled with it).

#include "engine/io/ModelConfig.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/WeightSet.h"

#include <optional>
#include <string>

namespace md {

struct PredictionGuess
{
    std::string predictionType;    // "epsilon" or "v_prediction"
    std::string reason;            // one line for notes / `info`
    bool isGuess = false;          // rule 5: no evidence in the file
    std::optional<int> sampleSize; // latent size implied (SD 2.x, SDXL or the metadata), if any
    bool zeroTerminalSnr = false;  // rescale the betas to zero terminal SNR
};

PredictionGuess detectPrediction(const SafetensorsFile& file, const ModelConfig& config,
                                 const WeightSet& unet);

// The std (population, as ComfyUI computes it) of the rule-4 tensor; nullopt when the UNet
// has no such tensor. The name is the last up block's last attention's first block norm1.
std::optional<double> vPredictionStatistic(const UNetConfig& config, const WeightSet& unet);

} // namespace md

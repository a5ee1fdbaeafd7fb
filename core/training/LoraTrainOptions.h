#pragma once

// Everything that decides what `mdtrain lora` produces: with the same options, base model,
// generator and libtorch (and thread count) the adapters are the same bit for bit.

#include "training/ConceptScenes.h"
#include "training/LoraTargets.h"

#include <cstdint>
#include <string>

namespace md {

struct LoraTrainOptions
{
    std::string model; // the base model's diffusers folder (resources/models/mds-tiny)
    std::string out;   // the .safetensors file to write
    std::string name = "pvx-stripes";
    ConceptData data; // the concept, its trigger word and the share of ordinary scenes
    LoraTargetSet targets;
    bool textEncoder = false; // also adapt the text encoder's attention ("lora_te_*")
    int rank = 4;
    double alpha = 4.0;
    int steps = 300;
    int batch = 4;
    double lr = 2e-3;
    int warmupSteps = 20;
    int imageSize = 256;      // training images (square); stripe widths stay in pixels
    int samples = 48;         // rendered and encoded once; every batch is drawn from them
    double minSnrGamma = 5.0; // min-SNR loss weighting (as the base model); 0: plain MSE
    double noiseOffset = 0.05;
    uint64_t seed = 1;
    int logEvery = 25;
    // A PNG written after training: the preview prompts sampled (DDIM 20 steps, CFG 7.5, at
    // previewSize) with the LoRA (top row) and without it (bottom row), same seeds.
    std::string preview;
    int previewSize = 512;
};

} // namespace md

#pragma once

// Everything that decides what `mdtrain train` produces. Recorded in the model card; with
// the same options, generator version and libtorch the run is reproducible up to GPU
// floating-point non-determinism.

#include <cstdint>
#include <string>

namespace md {

struct TrainOptions
{
    std::string model = "mds-tiny"; // an EmbeddedModelSpec preset
    std::string tokenizer;          // sentencepiece .model (tokenizer/spiece.model)
    std::string stateDir;           // resumable full-precision state (written every few minutes)
    std::string exportDir;          // fp16 weights + state summary + log + samples, on exit
    std::string resumeFrom;         // an earlier exportDir: resume from its fp16 weights
    std::string device = "auto";    // "cpu", "cuda", "auto"
    uint64_t seed = 1;
    int imageSize = 0; // training image size; 0: the model's native size

    // Stage A: the VAE.
    int vaeSteps = 1500;
    int vaeBatch = 16;
    int vaeCrop = 256; // random crops of the native-size images; 0: whole images
    double vaeLr = 4e-4;
    double klWeight = 1e-5;
    double gradientWeight = 0.5; // L1 between image gradients (edges stay sharp)

    // Stage B: UNet + text encoder on VAE latents (epsilon objective).
    int diffusionSteps = 6000;
    int diffusionBatch = 64;
    double diffusionLr = 4e-4;
    int warmupSteps = 200;
    double captionDropout = 0.1; // empty caption: the unconditional branch of CFG
    // Share of landscapes and compositions captioned with one of their parts only ("green
    // grass" for grass under a sky): teaches that a prompt may describe part of the frame,
    // which is what a MultiDiffusion region's path sees. 0: the full captions (phase B1, B2).
    double partialCaptions = 0;
    double noiseOffset = 0.05; // lets the model make flat dark / bright colours
    double minSnrGamma = 5.0;  // min-SNR loss weighting; 0: plain MSE
    double emaDecay = 0.999;   // 0: no EMA
    int poolSize = 4096;       // latents kept for sampling batches
    int poolRefresh = 16;      // new samples rendered + encoded per step

    // Run control.
    double maxSeconds = 0;          // stop (after a checkpoint) when this much time has passed
    double checkpointSeconds = 180; // full state every this many seconds
    int logEvery = 50;
    int sampleEvery = 0; // a sample grid every N diffusion steps (0: only at the end)
    std::string command; // recorded in state.json
};

} // namespace md

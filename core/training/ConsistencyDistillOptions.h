#pragma once

// Everything that decides what `mdtrain distil` produces (latent consistency distillation of
// the embedded model into its few-step "lcm" variant; docs/embedded-model.md, "Few-step
// variant (LCD)"). Recorded in the export's distil.json.

#include <cstdint>
#include <string>

namespace md {

struct ConsistencyDistillOptions
{
    std::string model;           // the teacher's diffusers folder (resources/models/mds-tiny)
    std::string out;             // unet/diffusion_pytorch_model.lcm.safetensors, preview.png, ...
    std::string device = "auto"; // "cpu", "cuda", "auto"
    uint64_t seed = 1;

    int steps = 2000; // optimiser steps (fewer when maxSeconds runs out first)
    int batch = 64;
    double lr = 1e-4; // AdamW, constant after warm-up (so a run cut short by time is fine)
    int warmupSteps = 100;
    double weightDecay = 0.0; // the student starts at the teacher: no pull towards zero
    // The classifier-free guidance scale baked into the student (the teacher's CFG in its DDIM
    // step; diffusers' convention eps = uncond + w (cond - uncond)). The student has no
    // w-embedding: it is sampled at CFG 1.
    double guidance = 7.5;
    double emaDecay = 0.95; // the target network: an EMA of the student
    // Pseudo-Huber loss sqrt(d^2 + c^2) - c per latent element (the LCM paper's choice, c as in
    // its implementation); 0: mean squared error.
    double huberC = 0.001;
    int schedulePoints = 50; // the DDIM skipping schedule: k = T / points training steps per skip

    // Data: the stage-B generator (fresh seed), VAE latents in a pool (LatentPool).
    int imageSize = 0;            // 0: the model's native size
    int poolSize = 2048;          // latents kept
    int poolRefresh = 4;          // new samples rendered + encoded per step
    double partialCaptions = 0.5; // as in the teacher's last phase (B3)
    double noiseOffset = 0.1;     // per-channel offset in the noised starting points (as B2/B3)

    // Run control.
    double maxSeconds = 0; // stop training after this long (then export); 0: no limit
    int logEvery = 50;
    // The preview grid (out/preview.png): the student at LCM `previewSteps` steps, CFG 1,
    // above the teacher at DDIM `previewTeacherSteps` steps, CFG `guidance` (0: student only).
    int previewSteps = 4;
    int previewTeacherSteps = 20;
    int previewSize = 0; // 0: the model's native size
    std::string command; // recorded in distil.json
};

} // namespace md

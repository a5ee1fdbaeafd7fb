#pragma once

// How many UNet samples one fused call may batch when the request does not say
// (GenerateRequest::maxBatch == 0). Plain C++ (no libtorch), so the CLI's benchmark can
// print the choice. The reasoning and the measurements are in docs/multidiffusion.md.

#include <string>

namespace md {

struct BatchBudget
{
    int maxSamples = 8; // UNet samples per call (a (view, prompt) pair needs 2 when guided)
    std::string reason; // one line: why this many
};

// `cuda`: the model runs on a CUDA device. `windowH` x `windowW`: the view in latent pixels.
BatchBudget defaultBatchBudget(bool cuda, int windowH, int windowW);

// UNet calls per step for `paths` (view, prompt) paths of `samplesPerPath` samples each (2
// guided: uncond and cond; 1 at cfg <= 1), whole paths per call, at most `maxSamples`
// samples (at least one path) per call.
int batchesPerStep(int paths, int maxSamples, int samplesPerPath = 2);

} // namespace md

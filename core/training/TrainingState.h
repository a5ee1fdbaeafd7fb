#pragma once

// The progress of a training run (state.json beside the weights).

#include "engine/Status.h"

#include <cstdint>
#include <string>

namespace md {

struct TrainingState
{
    std::string model;
    uint64_t seed = 0;
    int generatorVersion = 0;
    std::string stage = "vae"; // "vae", "diffusion", "done"
    int vaeStep = 0;
    int diffusionStep = 0;
    double scalingFactor = 0; // 0 until measured after stage A
    double trainSeconds = 0;  // summed over all sessions
    double lastVaeLoss = 0;
    double lastDiffusionLoss = 0;
    std::string command; // the command line of the session that wrote it

    Status write(const std::string& path) const;
    static Result<TrainingState> read(const std::string& path);
};

} // namespace md

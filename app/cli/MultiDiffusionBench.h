#pragma once

// mdstudio-cli bench --multidiffusion: seconds per MultiDiffusion step for 1, 3 and 6 box
// regions at 512x512 and a 512x2048 panorama, with the default UNet batch budget and with
// one diffusion path (uncond + cond: 2 samples) per UNet call, plus how long a cancel takes.

#include "engine/Engine.h"

#include <string>
#include <vector>

namespace md::cli {

struct MultiDiffusionBenchSettings
{
    std::vector<std::string> cases{"1", "3", "6", "pano"}; // region counts, or "pano"
    int timedSteps = 2; // timed steps per case and mode (after one global warm-up step)
    int maxBatch = 0;   // the batched mode's budget (0: the engine's default)
    SamplerKind sampler = SamplerKind::Ddim;
};

// Prints the table on stdout (progress on stderr); returns the process exit status.
int runMultiDiffusionBench(Engine& engine, const MultiDiffusionBenchSettings& settings);

} // namespace md::cli

#pragma once

// The requests of mdfusionbench's cases (txt2img, regions, pano, regions6, live), shared with
// the Python side of the benchmark by value: scripts/bench/sd15_multidiffusion_bench.py builds
// the same prompts, boxes and sizes. `live` is `regions` as live mode runs it: the LCM sampler,
// cfg 1 (the conditional pass alone), no bootstrapping.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <optional>
#include <string>

namespace md::bench {

struct CaseOptions
{
    SamplerKind sampler = SamplerKind::Ddim;
    int steps = 20;
    int size = 1024;
    int warmupSteps = 2;
    int bootstrap = 8;
    int maxBatch = 0;
    std::optional<float> cfg; // every case's cfg when set (else 7.5; live: 1)
    bool fastDecode = false;  // the final image through the tiny decoder (TAESD) when loaded
};

// The request of case `name`; an error names the known cases.
Result<GenerateRequest> makeCase(const std::string& name, const CaseOptions& options);

} // namespace md::bench

#pragma once

// Times an embedded-model architecture with random weights on the current machine: one
// batched UNet call (the region workload: prompts x 2 for classifier-free guidance), one VAE
// decode, one text-encoder call, and the total of a whole generation.

#include "engine/Status.h"
#include "training/EmbeddedModelSpec.h"

#include <cstdint>
#include <torch/torch.h>

namespace md {

struct BenchmarkResult
{
    std::string model;
    std::string device;
    int64_t unetParameters = 0;
    int64_t vaeParameters = 0;
    int64_t textParameters = 0;
    int unetBatch = 0;
    int latentSize = 0;
    double unetSeconds = 0;    // one batched UNet call (fastest of the repeats)
    double unetCpuSeconds = 0; // process CPU time of that call (CPU runs)
    double vaeSeconds = 0;     // one decode at the native size
    double vaeCpuSeconds = 0;
    double textSeconds = 0; // one text-encoder call for all prompts
    // steps x unetSeconds + vaeSeconds + textSeconds
    double generationSeconds(int steps) const
    {
        return steps * unetSeconds + vaeSeconds + textSeconds;
    }
};

class ModelBenchmark
{
public:
    // `prompts` prompts with CFG -> a UNet batch of 2 x prompts at the native latent size.
    static Result<BenchmarkResult> run(const EmbeddedModelSpec& spec, torch::Device device,
                                       int prompts = 4, int repeats = 3,
                                       torch::Dtype dtype = torch::kFloat32);
};

} // namespace md

#pragma once

// Times an embedded-model architecture with random weights on the current machine: one
// batched UNet call (the region workload: prompts x 2 for classifier-free guidance), one VAE
// decode, one text-encoder call (both encoders for SDXL), and the total of a whole
// generation. The modules are built, timed and freed one after the other (text encoders,
// UNet, VAE), so a big model never holds all of them at once; the peak resident memory of
// each stage is read from /proc/self/status (Linux; 0 elsewhere).

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
    int64_t text2Parameters = 0; // SDXL's second encoder (0: none)
    int unetBatch = 0;
    int latentSize = 0;
    double unetSeconds = 0;    // one batched UNet call (fastest of the repeats)
    double unetCpuSeconds = 0; // process CPU time of that call (CPU runs)
    double vaeSeconds = 0;     // one decode at the native size
    double vaeCpuSeconds = 0;
    double textSeconds = 0; // one text-encoder call for all prompts (both encoders)
    double textCpuSeconds = 0;
    double text2Seconds = 0; // of which the second encoder
    // Peak resident set (VmHWM) while each stage ran, its weights included, in bytes.
    int64_t textPeakRss = 0;
    int64_t unetPeakRss = 0;
    int64_t vaePeakRss = 0;
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
    // With `unetTracePath`, one more UNet call runs under the profiler (KinetoTrace.h).
    static Result<BenchmarkResult> run(const EmbeddedModelSpec& spec, torch::Device device,
                                       int prompts = 4, int repeats = 3,
                                       torch::Dtype dtype = torch::kFloat32,
                                       const std::string& unetTracePath = {});
};

} // namespace md

#include "engine/fusion/BatchBudget.h"

#include <algorithm>
#include <string>

namespace md {

namespace {

// CPU: latent pixels per UNet call. 4 samples of a 64x64 view (SD 1.x / the embedded model
// at 512 px); more for smaller views, where per-call overhead starts to matter.
constexpr long kCpuLatentPixels = 4L * 64 * 64;
constexpr int kCpuMaxSamples = 8;
constexpr int kCudaSamples = 16;

} // namespace

BatchBudget defaultBatchBudget(bool cuda, int windowH, int windowW)
{
    BatchBudget b;
    if (cuda) {
        b.maxSamples = kCudaSamples;
        b.reason = "CUDA: 16 samples per call keep the GPU busy";
        return b;
    }
    const long area = std::max(1L, static_cast<long>(windowH) * std::max(1, windowW));
    const long samples = std::clamp(kCpuLatentPixels / area, 2L, long{kCpuMaxSamples});
    b.maxSamples = static_cast<int>(samples - samples % 2); // whole (uncond, cond) pairs
    b.reason = "CPU: a budget of " + std::to_string(kCpuLatentPixels) +
               " latent pixels per call, " + std::to_string(windowH) + "x" +
               std::to_string(windowW) + " views -> " + std::to_string(b.maxSamples) +
               " samples (2..8); batching gains nothing measurable on CPU, and small calls "
               "let a cancel return sooner";
    return b;
}

int batchesPerStep(int paths, int maxSamples)
{
    const int pairsPerBatch = std::max(1, maxSamples / 2);
    return (paths + pairsPerBatch - 1) / pairsPerBatch;
}

} // namespace md

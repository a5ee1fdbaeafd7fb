#include "engine/fusion/BatchBudget.h"

#include <algorithm>
#include <string>

namespace md {

namespace {

// CPU: latent pixels per UNet call. 4 samples of a 64x64 view (SD 1.x / the embedded model
// at 512 px); more for smaller views, where per-call overhead starts to matter.
constexpr long kCpuLatentPixels = 4L * 64 * 64;
constexpr int kCpuMaxSamples = 8;
// CUDA: latent pixels per call, at least kCudaMinSamples and at most kCudaMaxSamples samples:
// 32 samples of a 64x64 view (SD 1.x), 16 of SDXL's 128x128 ones. Measured on an H200
// (docs/performance.md): at 64x64, 32 samples per call are faster per sample than 16.
constexpr long kCudaLatentPixels = 32L * 64 * 64;
constexpr int kCudaMinSamples = 16;
constexpr int kCudaMaxSamples = 64;

} // namespace

BatchBudget defaultBatchBudget(bool cuda, int windowH, int windowW)
{
    BatchBudget b;
    const long area = std::max(1L, static_cast<long>(windowH) * std::max(1, windowW));
    if (cuda) {
        const long samples =
            std::clamp(kCudaLatentPixels / area, long{kCudaMinSamples}, long{kCudaMaxSamples});
        b.maxSamples = static_cast<int>(samples - samples % 2);
        b.reason = "CUDA: a budget of " + std::to_string(kCudaLatentPixels) +
                   " latent pixels per call, " + std::to_string(windowH) + "x" +
                   std::to_string(windowW) + " views -> " + std::to_string(b.maxSamples) +
                   " samples (" + std::to_string(kCudaMinSamples) + ".." +
                   std::to_string(kCudaMaxSamples) + "): bigger calls keep the GPU busier";
        return b;
    }
    const long samples = std::clamp(kCpuLatentPixels / area, 2L, long{kCpuMaxSamples});
    b.maxSamples = static_cast<int>(samples - samples % 2); // whole (uncond, cond) pairs
    b.reason = "CPU: a budget of " + std::to_string(kCpuLatentPixels) +
               " latent pixels per call, " + std::to_string(windowH) + "x" +
               std::to_string(windowW) + " views -> " + std::to_string(b.maxSamples) +
               " samples (2..8); batching gains nothing measurable on CPU, and small calls "
               "let a cancel return sooner";
    return b;
}

int batchesPerStep(int paths, int maxSamples, int samplesPerPath)
{
    const int pathsPerBatch = std::max(1, maxSamples / std::max(1, samplesPerPath));
    return (paths + pathsPerBatch - 1) / pathsPerBatch;
}

} // namespace md

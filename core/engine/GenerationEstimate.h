#pragma once

// What a generation will take before it starts (Engine::estimate): its peak memory and its
// UNet work, and whether the memory fits in what the process may still allocate. Plain C++
// (no libtorch, no Qt), like EngineTypes.h; apart from it so that adding to it rebuilds only
// the users of the estimate.

#include <cstdint>
#include <optional>
#include <string>

namespace md {

struct GenerationEstimate
{
    std::int64_t weightBytes = 0;  // the loaded model's weights (already in memory)
    std::int64_t runtimeBytes = 0; // libtorch, thread pools, the app (already in memory)
    std::int64_t workBytes = 0;    // what the generation allocates on top, at its peak
    // Parts of workBytes (each at its own peak; the phases do not all overlap).
    std::int64_t canvasBytes = 0;     // latents, sampler state, region weight maps
    std::int64_t unetBytes = 0;       // one UNet call on the view batch (activations)
    std::int64_t attentionBytes = 0;  // attention score buffers of that call
    std::int64_t maskBytes = 0;       // region masks at canvas size while they are built
    std::int64_t decodeBytes = 0;     // VAE decode (whole or tiled) and the output image
    std::int64_t encodeBytes = 0;     // VAE encode (bootstrapping colours, the start image)
    std::int64_t unetEvaluations = 0; // UNet samples over the run: steps x samples per step
    std::int64_t unetCalls = 0;       // batched UNet calls over the run
    std::optional<std::int64_t> availableBytes; // what the process may still allocate
    std::string availableSource; // "MemAvailable", "RLIMIT_AS, ...", "set by the caller"
    bool fits = true;            // workBytes <= availableBytes (or availability unknown)
    int fitWidth = 0;            // when it does not fit: the largest size of the request's
    int fitHeight = 0;           // shape that does (0 x 0: none does)
    std::string message;         // when it does not fit: the refusal, with the figures
    std::int64_t peakBytes() const { return weightBytes + runtimeBytes + workBytes; }
};

} // namespace md

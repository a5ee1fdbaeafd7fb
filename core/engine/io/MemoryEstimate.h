#pragma once

// How much memory a checkpoint will take once loaded, computed from its tensor shapes
// before any weight is read, and the refusal when it will not fit in MemAvailable.
//
// The estimate (documented, deliberately simple):
//  - weights: every tensor's numel x the working dtype's size (integer tensors at their
//    stored size). The file itself is memory-mapped: its pages are page cache, which
//    MemAvailable already counts as reclaimable, and loading streams tensor by tensor
//    (SafetensorsFile::load), so the file is not counted.
//  - working memory at the model's native size (UNet sample_size x the VAE scale factor),
//    the larger of:
//      UNet, batch 2 (classifier-free guidance): the skip connections kept for the up path
//      (layers_per_block + 1 feature maps per level), 8 feature maps of the largest level
//      (resnet temporaries, the up path's concatenated inputs) and the feed-forward
//      temporaries of the largest attention level (12 x its width per token: GEGLU's 8x
//      projection and the 4x product). Attention scores are chunked (nn/Attention), so
//      they are left out.
//      VAE decode of one image: 3 full-resolution feature maps of the width that enters
//      the last decoder level (block_out_channels[1]: 256 for SD/SDXL), in the VAE's dtype.
//  - 512 MiB for the runtime (libtorch, thread pools, the app).
// SDXL at 1024x1024: 12.9 GiB of weights + 3.0 GiB + 0.5 GiB in float32; about half the
// weights and VAE figure in bfloat16.

#include "engine/Status.h"
#include "engine/io/Checkpoint.h"

#include <cstdint>
#include <optional>
#include <string>
#include <torch/types.h>

namespace md {

struct MemoryEstimate
{
    std::string family; // "SDXL", "SD 1.x", ...
    std::string dtype;  // "float32", "bfloat16", "float16"
    int64_t weightBytes = 0;
    int64_t unetWorkBytes = 0;
    int64_t vaeWorkBytes = 0;
    int64_t runtimeBytes = 0;
    int nativeSize = 0;                    // pixels (square)
    std::optional<int64_t> availableBytes; // MemAvailable, when known
    int64_t workBytes() const { return std::max(unetWorkBytes, vaeWorkBytes); }
    int64_t totalBytes() const { return weightBytes + workBytes() + runtimeBytes; }
    bool fits() const { return !availableBytes || totalBytes() <= *availableBytes; }
};

// The estimate alone (no /proc access). `vaeDtype`: the dtype the VAE is loaded and run in
// when it differs from `dtype` (today's pipeline keeps it in float32); by default `dtype`,
// or float32 for a force_upcast VAE when `dtype` is float16.
MemoryEstimate estimateModelMemory(const Checkpoint& checkpoint, torch::Dtype dtype,
                                   std::optional<torch::Dtype> vaeDtype = std::nullopt);

// The estimate with the available memory (`availableBytes`, or MemAvailable from
// /proc/meminfo when not given), or the refusal when it does not fit: "this SDXL model needs
// about 16.4 GiB of memory in float32 (...) and 7.1 GiB are available; close other programs
// or load it in bfloat16 (--dtype bf16, about 8.5 GiB)". Unknown availability never refuses.
Result<MemoryEstimate> estimateLoadMemory(const Checkpoint& checkpoint, torch::Dtype dtype,
                                          std::optional<int64_t> availableBytes = std::nullopt,
                                          std::optional<torch::Dtype> vaeDtype = std::nullopt);

// MemAvailable in bytes from /proc/meminfo (nullopt where there is none).
std::optional<int64_t> availableMemoryBytes();
// The "MemAvailable: N kB" line of a /proc/meminfo text, in bytes.
std::optional<int64_t> parseMemAvailable(const std::string& meminfo);
// "10.6 GiB" (one decimal).
std::string gibText(int64_t bytes);

} // namespace md

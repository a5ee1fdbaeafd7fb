#pragma once

// The cross-fade weights of overlapping tiles (TiledVaeDecoder, TiledVaeEncoder): along one
// axis a tile of `length` samples ramps up linearly over the first `rampIn` (the overlap
// shared with the previous tile) and down over the last `rampOut` (shared with the next),
// 1 in between; the ramps of two neighbours sum to 1 across their overlap.

#include <torch/torch.h>

namespace md {

// [length] float32 on the CPU.
torch::Tensor tileRamp(int length, int rampIn, int rampOut);

} // namespace md

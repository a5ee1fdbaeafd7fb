#pragma once

// The `expand` tensors of StackedAdapters (its header), interned: layers whose stacks have the
// same slots, ranks and alphas in the same order (most layers of a UNet with whole LoRAs
// attached) share one tensor object, so a call's per-sample scale, which depends only on the
// rows and `expand`, is computed once per distinct expand (AdapterScales' scale cache, keyed
// by the tensor's identity) instead of once per layer.
// The registry holds weak references: an expand lives as long as some stack holds it. Thread
// safe (stacks may be built on a loader thread).

#include <cstdint>
#include <torch/types.h>
#include <vector>

namespace md::nn {

class ExpandRegistry
{
public:
    struct Block // one stacked adapter, in stack order
    {
        int slot = 0;
        int64_t rank = 0;
        double alphaOverRank = 1.0;
    };
    // [highest slot + 1, sum of ranks]: column block k is blocks[k].alphaOverRank in row
    // blocks[k].slot, 0 elsewhere; the tensor already made for equal blocks and options when
    // one is alive, otherwise a new one (created here, in the current grad / inference mode).
    static torch::Tensor get(const std::vector<Block>& blocks, const torch::TensorOptions& options);
};

} // namespace md::nn

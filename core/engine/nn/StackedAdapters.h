#pragma once

// The plain adapters of one layer (no CP mid, no DoRA) stacked into one down and one up, so
// that a UNet call whose samples use different LoRA sets (AdapterScales' per-sample mode)
// runs all of them in two products and one multiply, whatever the number of LoRAs:
//     h = down(x)                                     [B, ..., R] (R: the stacked ranks)
//     h *= weights[B, slots] @ expand[slots, R]       each sample's scale of each column
//     out += up(h)
// expand[slot, r] = alpha / rank of the adapter owning column r when that adapter is
// `slot`'s, 0 elsewhere: sample b weights slot k's rank block by weight_k(b) * alpha_k / r_k
// (0 where it does not use slot k).
//
// build() takes the layer's adapter list and makes each stacked adapter's down and up views
// into the stack, so stacking costs no memory beyond the adapters themselves.
// LoraAttachment rebuilds the stack whenever slots attach or detach; a list changed without
// a rebuild (matches() false) is run adapter by adapter, which gives the same result.
// `expand` is interned (ExpandRegistry.h): stacks of the same slots, ranks and alphas share
// one tensor (never write into it), so a call computes each distinct scale once
// (AdapterScales' scale cache). `downT` / `upT` are the matrices a Linear (or 1x1) layer's
// call multiplies by, made once here rather than by a reshape and a transpose per call.

#include "engine/nn/LowRankAdapter.h"

#include <torch/types.h>
#include <vector>

namespace md::nn {

struct StackedAdapters
{
    torch::Tensor down;        // Linear [R, in]; Conv2d [R, in, k, k]; undefined: none stacked
    torch::Tensor up;          // Linear [out, R]; Conv2d [out, R, 1, 1]
    torch::Tensor expand;      // [highest stacked slot + 1, R], shared (see above)
    torch::Tensor downT;       // [in, R]: down as a matrix, transposed; undefined: k x k conv
    torch::Tensor upT;         // [R, out]
    std::vector<bool> stacked; // per adapter of the list: whether it is in the stack
    std::vector<const void*> sources; // per adapter: its down's data (the list's identity)

    // Stacks the adapters that can be: no mid, no DoRA, no autograd, and the same down shape
    // (but the rank) as the first of them.
    static StackedAdapters build(std::vector<LowRankAdapter>& adapters);
    // Whether this stack was built from `adapters` as they are now.
    bool matches(const std::vector<LowRankAdapter>& adapters) const;
    bool empty() const { return !down.defined(); }
};

} // namespace md::nn

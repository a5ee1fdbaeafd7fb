#pragma once

// The per-sample scales of one per-sample AdapterScales (LowRankAdapter.h), computed once per
// distinct StackedAdapters::expand instead of once per layer: scale = rows @ expand, [B, R],
// viewed to broadcast over a layer's h (dims dimensions, the ranks on dim 1 or last).
// Keyed by the expand tensor's identity (ExpandRegistry interns equal ones) and the layout; an
// entry keeps its expand alive, so an identity is never reused while cached. Lives and dies with
// its AdapterScales: every tensor it makes is made inside a call, from the rows already on the
// device (nothing read back to the host), so a CUDA graph that captures the calls of an
// AdapterScales created inside the capture replays them with the rows as they are then.
// setEnabled(false) (all threads) computes the scale again in every layer: the same values,
// bit for bit, for tests and benchmarks.

#include <cstdint>
#include <torch/types.h>
#include <vector>

namespace md::nn {

class SampleScaleCache
{
public:
    // rows [B, slots] @ expand[:slots] (the slots both have), in expand's dtype, viewed as
    // [B, 1, ..., R] (dims dimensions; [B, R, 1, 1] when ranksOnDim1).
    torch::Tensor scale(const torch::Tensor& rows, const torch::Tensor& expand, int64_t dims,
                        bool ranksOnDim1);
    size_t size() const { return m_entries.size(); }

    static torch::Tensor compute(const torch::Tensor& rows, const torch::Tensor& expand,
                                 int64_t dims, bool ranksOnDim1);
    static void setEnabled(bool enabled);
    static bool enabled();

private:
    struct Entry
    {
        torch::Tensor expand; // the key (its TensorImpl), kept alive
        int64_t dims = 0;
        bool ranksOnDim1 = false;
        bool inference = false; // made in InferenceMode (not for autograd's calls)
        torch::Tensor scale;
    };
    std::vector<Entry> m_entries;
};

} // namespace md::nn

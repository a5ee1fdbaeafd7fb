#pragma once

// CUDA graphs for a function of fixed-shape tensors (the UNet call of a generation): on a
// GPU, a small UNet batch is launch-bound (about a thousand kernels, each shorter than the
// CPU's launch of it), and a captured graph replays them all with one launch.
//
// run(key, inputs, function) returns function(inputs). Per key (the caller's string plus
// the inputs' shapes, dtypes and devices):
//   - first call: eager (a warm-up: cuBLAS / cuDNN choose and cache their algorithms);
//   - second call: the inputs are copied into static buffers, the function is captured on a
//     side stream into a graph (its allocations from one memory pool shared by the cache's
//     graphs), then replayed;
//   - later calls: the inputs are copied into the static buffers and the graph replayed.
// The result is a copy of the graph's output (the next replay overwrites it), so the
// graphs may share their pool: a graph's scratch may be another's freed scratch, never a
// live output or input.
// What the function reads besides its inputs (weights, LoRA scales, host values baked into
// kernels) must be the same on every call of a key: the key has to name it, and clear()
// forgets every graph (the caller does when weights or adapters change).
// A function that cannot be captured (a host copy or a sync inside) fails its capture once;
// its key then runs eagerly, and if the failure left the device's random generator in
// capture mode (torch 2.11 does), its state is restored and graphs go off for the process.
// CPU inputs, autograd, a build without CUDA graphs (compiledIn() false) or a disabled
// cache: always eager.
// At most `capacity` graphs are kept (least recently used dropped). Not thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <torch/types.h>
#include <vector>

namespace md {

class CudaGraphCache
{
public:
    using Function = std::function<torch::Tensor(const std::vector<torch::Tensor>& inputs)>;

    struct Stats
    {
        int64_t eager = 0;       // calls run eagerly (warm-ups, CPU, failed keys, disabled)
        int64_t captures = 0;    // graphs captured
        int64_t replays = 0;     // calls answered by a graph
        int64_t failures = 0;    // captures that failed (their keys run eagerly)
        std::string lastFailure; // why the last capture failed, and how the device recovered
    };

    explicit CudaGraphCache(int capacity = 4);
    ~CudaGraphCache();
    CudaGraphCache(const CudaGraphCache&) = delete;
    CudaGraphCache& operator=(const CudaGraphCache&) = delete;

    // Whether this build can capture graphs (a CUDA libtorch with its CUDA headers).
    static bool compiledIn();

    // Whether a capture that failed in this process turned graphs off for every cache (see
    // CudaGraphCache.cpp: it left the device's random generator in capture mode).
    static bool offAfterAFailedCapture();

    void setEnabled(bool enabled);
    bool enabled() const { return m_enabled; }

    // function(inputs), replayed from a graph where it can be (see above). Inputs must be
    // defined tensors.
    torch::Tensor run(const std::string& key, const std::vector<torch::Tensor>& inputs,
                      const Function& function);

    // Forgets every graph and warm-up (their memory goes back to the allocator).
    void clear();
    const Stats& stats() const { return m_stats; }

private:
    struct Entries;
    std::unique_ptr<Entries> m_entries;
    int m_capacity;
    bool m_enabled = true;
    Stats m_stats;
};

} // namespace md

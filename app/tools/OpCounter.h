#pragma once

// Counts the libtorch operator calls this thread makes while an OpCounter lives (a
// RecordFunction callback, so it slows the calls it counts: time without it). On a GPU at
// small sizes each call costs its dispatcher overhead (~10-20 us on the host) whatever it
// computes, so the count tells launch-bound costs apart. `all`: every dispatcher entry,
// nested ones included (linear -> matmul -> mm); `outer`: those called from outside any
// other operator (what the engine's code calls).

#include <ATen/record_function.h>
#include <cstdint>

namespace md::bench {

class OpCounter
{
public:
    OpCounter();
    ~OpCounter();
    OpCounter(const OpCounter&) = delete;
    OpCounter& operator=(const OpCounter&) = delete;

    int64_t all() const;
    int64_t outer() const;

private:
    at::CallbackHandle m_handle;
};

} // namespace md::bench

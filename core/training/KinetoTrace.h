#pragma once

// Runs a function under libtorch's Kineto profiler (CPU ops, and the GPU kernels on CUDA) and
// saves a Chrome trace (chrome://tracing, Perfetto), for the benchmarks'
// "where does the time go" (scripts/bench/kernel_summary.py sums it per kernel).

#include "engine/Status.h"

#include <functional>
#include <string>

namespace md {

Status traceToFile(const std::function<void()>& fn, const std::string& path, bool cuda);

} // namespace md

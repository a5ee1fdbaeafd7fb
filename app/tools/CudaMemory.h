#pragma once

// Peak GPU memory for the engine-only benchmarks (mdfusionbench, mdlorabench): the CUDA
// caching allocator's peak of allocated bytes on device 0, like PyTorch's
// torch.cuda.max_memory_allocated(). Compiled in where libtorch has CUDA and the CUDA runtime
// headers are found (app/tools/CMakeLists.txt); elsewhere it reads -1.

namespace md::bench {

// GiB at the peak since the last reset; reset = start a new peak after reading.
double cudaPeakGiB(bool reset);

} // namespace md::bench

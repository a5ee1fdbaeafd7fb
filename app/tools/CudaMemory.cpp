#include "CudaMemory.h"

#ifdef MD_WITH_C10_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#endif

namespace md::bench {

double cudaPeakGiB(bool reset)
{
#ifdef MD_WITH_C10_CUDA
    if (!torch::cuda::is_available())
        return -1.0;
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
    const double peak = static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024 * 1024);
    if (reset)
        c10::cuda::CUDACachingAllocator::resetPeakStats(0);
    return peak;
#else
    (void)reset;
    return -1.0;
#endif
}

} // namespace md::bench

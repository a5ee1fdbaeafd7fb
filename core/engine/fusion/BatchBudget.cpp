#include "engine/fusion/BatchBudget.h"

#include <algorithm>

namespace md {

BatchBudget defaultBatchBudget(bool cuda, int windowH, int windowW)
{
    (void)windowH;
    (void)windowW;
    BatchBudget b;
    if (cuda) {
        b.maxSamples = 16;
        b.reason = "CUDA: 16 samples per call keep the GPU busy";
    } else {
        b.maxSamples = 8;
        b.reason = "CPU: 8 samples per call";
    }
    return b;
}

} // namespace md

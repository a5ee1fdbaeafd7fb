#include "engine/preview/TileRamp.h"

namespace md {

torch::Tensor tileRamp(int length, int rampIn, int rampOut)
{
    auto w = torch::ones({length});
    if (rampIn > 0)
        w.narrow(0, 0, rampIn).copy_((torch::arange(rampIn, torch::kFloat32) + 0.5) / rampIn);
    if (rampOut > 0)
        w.narrow(0, length - rampOut, rampOut)
            .mul_(((torch::arange(rampOut, torch::kFloat32) + 0.5) / rampOut).flip({0}));
    return w;
}

} // namespace md

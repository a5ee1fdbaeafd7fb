#pragma once

// Small element-wise helpers shared by the modules. The in-place variants are used only on
// tensors the caller has just created and owns, and only where autograd does not need the
// overwritten values, so the same code serves inference (no copies) and training.

#include <torch/torch.h>

namespace md::nn {

// silu(x), overwriting x when autograd will not need x (SiLU's backward reads its input).
inline torch::Tensor siluInplace(torch::Tensor x)
{
    if (x.requires_grad())
        return torch::silu(x);
    return torch::silu_(x);
}

// fresh + other, written into `fresh` (the output of a linear, conv or norm: autograd never
// saves those, so the in-place add is safe in training as well).
inline torch::Tensor addInto(torch::Tensor fresh, const torch::Tensor& other)
{
    return fresh.add_(other);
}

} // namespace md::nn

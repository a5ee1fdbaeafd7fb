#include "engine/sampling/FiniteCheck.h"

#include <torch/torch.h>

namespace md {

bool allFinite(const torch::Tensor& t)
{
    if (!t.defined() || t.numel() == 0)
        return true;
    return torch::isfinite(t).all().item<bool>();
}

std::string nonFiniteMessage(const std::string& stage, const std::string& where)
{
    return stage + " produced non-finite values" + (where.empty() ? "" : " " + where) +
           ": the model's weights may be corrupt (NaN or Inf in the file)";
}

} // namespace md

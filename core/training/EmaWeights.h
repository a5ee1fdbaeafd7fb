#pragma once

// An exponential moving average of a module's parameters (float32, on their device).

#include <torch/torch.h>
#include <vector>

namespace md {

class EmaWeights
{
public:
    EmaWeights() = default;
    explicit EmaWeights(const torch::nn::Module& module);

    bool empty() const { return m_average.empty(); }
    void update(const torch::nn::Module& module, double decay);
    // Exchanges the module's parameters with the averages (call twice to undo).
    void swap(torch::nn::Module& module);

private:
    std::vector<torch::Tensor> m_average;
};

} // namespace md

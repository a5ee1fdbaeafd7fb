#include "training/EmaWeights.h"

namespace md {

EmaWeights::EmaWeights(const torch::nn::Module& module)
{
    for (const auto& p : module.parameters(true))
        m_average.push_back(p.detach().clone());
}

void EmaWeights::update(const torch::nn::Module& module, double decay)
{
    torch::NoGradGuard noGrad;
    auto params = module.parameters(true);
    std::vector<torch::Tensor> live;
    live.reserve(params.size());
    for (auto& p : params)
        live.push_back(p.detach());
    torch::_foreach_mul_(m_average, decay);
    torch::_foreach_add_(m_average, live, 1.0 - decay);
}

void EmaWeights::swap(torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    auto params = module.parameters(true);
    for (size_t i = 0; i < params.size() && i < m_average.size(); ++i) {
        auto tmp = params[i].detach().clone();
        params[i].detach().copy_(m_average[i]);
        m_average[i].copy_(tmp);
    }
}

} // namespace md

#include "training/NoisingProcess.h"

#include <cmath>

namespace md {

NoisingProcess::NoisingProcess(const SchedulerConfig& config, torch::Device device)
{
    const int n = config.numTrainTimesteps;
    auto opts = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor betas;
    if (config.betaSchedule == "scaled_linear")
        betas =
            torch::linspace(std::sqrt(config.betaStart), std::sqrt(config.betaEnd), n, opts).pow(2);
    else
        betas = torch::linspace(config.betaStart, config.betaEnd, n, opts);
    m_alphasCumprod = torch::cumprod(1.0 - betas, 0).to(torch::kFloat32).to(device);
}

torch::Tensor NoisingProcess::addNoise(const torch::Tensor& x0, const torch::Tensor& noise,
                                       const torch::Tensor& t) const
{
    auto a = m_alphasCumprod.index_select(0, t).to(x0.dtype()).view({-1, 1, 1, 1});
    return a.sqrt() * x0 + (1.0 - a).sqrt() * noise;
}

torch::Tensor NoisingProcess::snr(const torch::Tensor& t) const
{
    auto a = m_alphasCumprod.index_select(0, t);
    return a / (1.0 - a);
}

} // namespace md

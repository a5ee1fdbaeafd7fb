#include "training/ConsistencySchedule.h"

#include <stdexcept>
#include <string>

namespace md {

ConsistencySchedule::ConsistencySchedule(const NoisingProcess& noising, int points)
    : m_alphasCumprod(noising.alphasCumprod()), m_points(points)
{
    if (points < 1 || points > noising.steps())
        throw std::invalid_argument("the consistency schedule needs 1.." +
                                    std::to_string(noising.steps()) + " points, got " +
                                    std::to_string(points));
    m_skip = noising.steps() / points;
}

torch::Tensor ConsistencySchedule::timesteps(const torch::Tensor& n) const
{
    return (n + 1) * m_skip - 1;
}

torch::Tensor ConsistencySchedule::previousTimesteps(const torch::Tensor& n) const
{
    return torch::clamp_min(timesteps(n) - m_skip, 0);
}

torch::Tensor ConsistencySchedule::cSkip(const torch::Tensor& t)
{
    const double s2 = kSigmaData * kSigmaData;
    auto u = t.to(torch::kFloat32) * kTimestepScaling;
    return (s2 / (u * u + s2)).view({-1, 1, 1, 1});
}

torch::Tensor ConsistencySchedule::cOut(const torch::Tensor& t)
{
    const double s2 = kSigmaData * kSigmaData;
    auto u = t.to(torch::kFloat32) * kTimestepScaling;
    return (u / (u * u + s2).sqrt()).view({-1, 1, 1, 1});
}

torch::Tensor ConsistencySchedule::alphaBar(const torch::Tensor& t, const torch::Tensor& like) const
{
    return m_alphasCumprod.index_select(0, t.to(m_alphasCumprod.device()))
        .to(like.device(), like.scalar_type())
        .view({-1, 1, 1, 1});
}

torch::Tensor ConsistencySchedule::predictOriginal(const torch::Tensor& eps, const torch::Tensor& x,
                                                   const torch::Tensor& t) const
{
    auto a = alphaBar(t, x);
    return (x - (1.0 - a).sqrt() * eps) / a.sqrt();
}

torch::Tensor ConsistencySchedule::consistencyOutput(const torch::Tensor& eps,
                                                     const torch::Tensor& x,
                                                     const torch::Tensor& t) const
{
    const auto device = x.device();
    return cSkip(t).to(device) * x + cOut(t).to(device) * predictOriginal(eps, x, t);
}

torch::Tensor ConsistencySchedule::ddimStep(const torch::Tensor& eps, const torch::Tensor& x,
                                            const torch::Tensor& n) const
{
    auto x0 = predictOriginal(eps, x, timesteps(n));
    auto prev = alphaBar(previousTimesteps(n), x);
    return prev.sqrt() * x0 + (1.0 - prev).sqrt() * eps;
}

} // namespace md

#include "engine/nn/GroupNormStatistics.h"

#include <stdexcept>
#include <string>
#include <torch/torch.h>

namespace md::nn {

namespace {

thread_local GroupNormStatistics* t_active = nullptr;

} // namespace

GroupNormStatistics::Scope::Scope(GroupNormStatistics& statistics, Mode mode) : m_previous(t_active)
{
    statistics.m_mode = mode;
    statistics.m_next = 0;
    if (mode == Mode::Record)
        statistics.m_stats.clear();
    t_active = &statistics;
}

GroupNormStatistics::Scope::~Scope()
{
    t_active = m_previous;
}

GroupNormStatistics* GroupNormStatistics::active()
{
    return t_active;
}

torch::Tensor GroupNormStatistics::normalize(const torch::Tensor& x, int64_t groups,
                                             const torch::Tensor& weight, const torch::Tensor& bias,
                                             double eps)
{
    const int64_t b = x.size(0);
    if (m_mode == Mode::Record) {
        const auto stats = x.reshape({b, groups, -1}).to(torch::kFloat32);
        m_stats.emplace_back(stats.mean(-1), stats.var(-1, /*unbiased=*/false));
        return torch::group_norm(x, groups, weight, bias, eps);
    }
    if (m_next >= m_stats.size())
        throw std::logic_error("GroupNorm statistics: " + std::to_string(m_stats.size()) +
                               " were recorded but more GroupNorm layers ran");
    const auto& [mean, var] = m_stats[m_next++];
    // y = (x - mean) / sqrt(var + eps) * weight + bias = x * a + c per channel, in one pass:
    // a = weight / sqrt(var + eps), c = bias - mean * a (group values repeated per channel).
    const int64_t channels = x.size(1);
    const auto perGroup = channels / groups;
    const auto inv = torch::rsqrt(var + eps).repeat_interleave(perGroup, 1); // [B, C]
    const auto shift = mean.repeat_interleave(perGroup, 1);                  // [B, C]
    const auto a = inv * weight.to(torch::kFloat32).view({1, channels});
    const auto c = bias.to(torch::kFloat32).view({1, channels}) - shift * a;
    std::vector<int64_t> shape{a.size(0), channels}; // the recorded batch (1) broadcasts
    shape.resize(static_cast<size_t>(x.dim()), 1);
    return torch::addcmul(c.to(x.scalar_type()).view(shape), x, a.to(x.scalar_type()).view(shape));
}

} // namespace md::nn

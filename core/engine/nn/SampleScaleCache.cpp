#include "engine/nn/SampleScaleCache.h"

#include <atomic>
#include <torch/torch.h>

namespace md::nn {

namespace {

std::atomic<bool> g_enabled{true};

} // namespace

torch::Tensor SampleScaleCache::compute(const torch::Tensor& rows, const torch::Tensor& expand,
                                        int64_t dims, bool ranksOnDim1)
{
    // Each op dispatched costs the host ~10 us on a GPU: no narrow or cast that does nothing.
    const int64_t n = std::min(rows.size(1), expand.size(0));
    auto r = n < rows.size(1) ? rows.narrow(1, 0, n) : rows;
    if (r.scalar_type() != expand.scalar_type())
        r = r.to(expand.scalar_type());
    auto scale = r.matmul(n < expand.size(0) ? expand.narrow(0, 0, n) : expand); // [B, R]
    if (dims == 2)
        return scale;
    std::vector<int64_t> shape(static_cast<size_t>(dims), 1);
    shape[0] = scale.size(0);
    shape[ranksOnDim1 ? 1 : shape.size() - 1] = scale.size(1);
    return scale.view(shape);
}

torch::Tensor SampleScaleCache::scale(const torch::Tensor& rows, const torch::Tensor& expand,
                                      int64_t dims, bool ranksOnDim1)
{
    const bool inference = c10::InferenceMode::is_enabled();
    for (const Entry& e : m_entries)
        if (e.expand.is_same(expand) && e.dims == dims && e.ranksOnDim1 == ranksOnDim1 &&
            e.inference == inference)
            return e.scale;
    m_entries.push_back(
        {expand, dims, ranksOnDim1, inference, compute(rows, expand, dims, ranksOnDim1)});
    return m_entries.back().scale;
}

void SampleScaleCache::setEnabled(bool enabled)
{
    g_enabled = enabled;
}

bool SampleScaleCache::enabled()
{
    return g_enabled;
}

} // namespace md::nn

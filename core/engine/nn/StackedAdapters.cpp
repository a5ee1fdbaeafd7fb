#include "engine/nn/StackedAdapters.h"

#include "engine/nn/ExpandRegistry.h"

#include <torch/torch.h>

namespace md::nn {

namespace {

bool requiresGrad(const LowRankAdapter& a)
{
    return a.down.requires_grad() || a.up.requires_grad();
}

bool sameShapeButRank(const torch::Tensor& a, const torch::Tensor& b)
{
    if (a.dim() != b.dim() || a.scalar_type() != b.scalar_type() || a.device() != b.device())
        return false;
    for (int64_t d = 1; d < a.dim(); ++d)
        if (a.size(d) != b.size(d))
            return false;
    return true;
}

} // namespace

StackedAdapters StackedAdapters::build(std::vector<LowRankAdapter>& adapters)
{
    StackedAdapters s;
    s.stacked.assign(adapters.size(), false);
    std::vector<torch::Tensor> downs, ups;
    const LowRankAdapter* first = nullptr;
    std::vector<ExpandRegistry::Block> blocks;
    for (size_t i = 0; i < adapters.size(); ++i) {
        const LowRankAdapter& a = adapters[i];
        if (a.mid.defined() || a.doraMagnitude.defined() || requiresGrad(a) || a.slot < 0)
            continue;
        if (first != nullptr &&
            (!sameShapeButRank(a.down, first->down) ||
             !sameShapeButRank(a.up.transpose(0, 1), first->up.transpose(0, 1))))
            continue;
        if (first == nullptr)
            first = &a;
        s.stacked[i] = true;
        downs.push_back(a.down);
        ups.push_back(a.up);
        blocks.push_back({a.slot, a.down.size(0), a.alphaOverRank});
    }
    if (first != nullptr) {
        torch::NoGradGuard noGrad;
        s.down = torch::cat(downs, 0);
        s.up = torch::cat(ups, 1);
        s.expand = ExpandRegistry::get(blocks, s.down.options());
        if (s.down.dim() == 2 || s.down.size(2) * s.down.size(3) == 1) { // Linear or 1x1
            s.downT = s.down.reshape({s.down.size(0), -1}).t();
            s.upT = s.up.reshape({s.up.size(0), -1}).t();
        }
        int64_t offset = 0;
        for (size_t i = 0; i < adapters.size(); ++i) {
            if (!s.stacked[i])
                continue;
            LowRankAdapter& a = adapters[i];
            const int64_t r = a.down.size(0);
            // The adapter keeps its own tensors as views into the stack: no second copy.
            a.down = s.down.narrow(0, offset, r);
            a.up = s.up.narrow(1, offset, r);
            offset += r;
        }
    }
    for (const LowRankAdapter& a : adapters)
        s.sources.push_back(a.down.defined() ? a.down.data_ptr() : nullptr);
    return s;
}

bool StackedAdapters::matches(const std::vector<LowRankAdapter>& adapters) const
{
    if (adapters.size() != sources.size())
        return false;
    for (size_t i = 0; i < adapters.size(); ++i) {
        const auto& down = adapters[i].down;
        if ((down.defined() ? down.data_ptr() : nullptr) != sources[i])
            return false;
    }
    return true;
}

} // namespace md::nn

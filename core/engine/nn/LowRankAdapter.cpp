#include "engine/nn/LowRankAdapter.h"

#include <algorithm>
#include <torch/torch.h>
#include <utility>

namespace md::nn {

namespace {

thread_local const std::vector<float>* t_weights = nullptr;
thread_local bool t_any = false;

bool anyNonZero(const std::vector<float>& weights)
{
    return std::any_of(weights.begin(), weights.end(), [](float w) { return w != 0.0f; });
}

// [n, ...] -> [n, rest]: a 1x1 convolution's weight as a Linear one.
torch::Tensor asMatrix(const torch::Tensor& t)
{
    return t.dim() == 2 ? t : t.reshape({t.size(0), -1});
}

// c = m / ||W'|| per output channel, in the weight's dtype ([out]); the norm in float32 at
// least (float16 / bfloat16 weights).
torch::Tensor doraFactor(const torch::Tensor& weight, const LowRankAdapter& a, double s)
{
    const auto compute =
        weight.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
    auto merged = weight + adapterWeightDelta(a, weight.sizes()) * s;
    auto norm = merged.reshape({merged.size(0), -1}).to(compute).norm(2, {1});
    return (a.doraMagnitude.reshape({-1}).to(compute) / norm).to(weight.scalar_type());
}

// Whether the adds may go into `base` in place: no autograd graph through it and no DoRA
// adapter (DoRA rescales base as it came out of the layer).
bool canAddInPlace(const torch::Tensor& base, const std::vector<LowRankAdapter>& adapters)
{
    if (base.requires_grad() || !base.is_contiguous())
        return false;
    return std::none_of(adapters.begin(), adapters.end(), [](const LowRankAdapter& a) {
        return a.doraMagnitude.defined() && AdapterScales::weight(a.slot) != 0.0f;
    });
}

} // namespace

AdapterScales::AdapterScales(std::vector<float> weights)
    : m_previous(t_weights), m_previousAny(t_any), m_weights(std::move(weights))
{
    t_weights = &m_weights;
    t_any = anyNonZero(m_weights);
}

AdapterScales::~AdapterScales()
{
    t_weights = m_previous;
    t_any = m_previousAny;
}

float AdapterScales::weight(int slot)
{
    if (t_weights == nullptr || slot < 0 || static_cast<size_t>(slot) >= t_weights->size())
        return 0.0f;
    return (*t_weights)[static_cast<size_t>(slot)];
}

bool AdapterScales::anyActive()
{
    return t_any;
}

torch::Tensor adapterWeightDelta(const LowRankAdapter& a, at::IntArrayRef shape)
{
    auto up = asMatrix(a.up); // [out, r]
    if (!a.mid.defined())
        return up.matmul(asMatrix(a.down)).reshape(shape);
    // CP: delta[o, i, k, l] = sum_{p, q} up[o, p] mid[p, q, k, l] down[q, i]
    auto down = asMatrix(a.down); // [r, in]
    auto mid = a.mid.dim() == 2 ? a.mid.reshape({a.mid.size(0), a.mid.size(1), 1, 1}) : a.mid;
    auto core = torch::einsum("pqkl,qi->pikl", {mid, down});
    return up.matmul(core.reshape({core.size(0), -1})).reshape(shape);
}

torch::Tensor mergedAdapterWeight(const torch::Tensor& weight, const LowRankAdapter& a, double s)
{
    auto merged = weight + adapterWeightDelta(a, weight.sizes()) * s;
    if (!a.doraMagnitude.defined())
        return merged;
    auto factor = doraFactor(weight, a, s);
    std::vector<int64_t> view(static_cast<size_t>(weight.dim()), 1);
    view[0] = weight.size(0);
    return merged * factor.view(view);
}

torch::Tensor addLinearAdapters(const torch::Tensor& x, const torch::Tensor& base,
                                const torch::Tensor& weight, const torch::Tensor& bias,
                                const std::vector<LowRankAdapter>& adapters)
{
    // Without autograd (and without DoRA, which needs base as it was) the adds go into base
    // in place, one addmm per adapter with the scale folded into the small up matrix.
    const bool inPlace = canAddInPlace(base, adapters);
    torch::Tensor out = base;
    for (const auto& a : adapters) {
        const float w = AdapterScales::weight(a.slot);
        if (w == 0.0f)
            continue;
        const double s = static_cast<double>(w) * a.alphaOverRank;
        auto h = torch::linear(x, asMatrix(a.down));
        if (a.mid.defined())
            h = torch::linear(h, asMatrix(a.mid));
        if (inPlace && !h.requires_grad() && !a.up.requires_grad()) {
            auto rows = out.view({-1, out.size(-1)});
            rows.addmm_(h.reshape({-1, h.size(-1)}), asMatrix(a.up).t(), 1.0, s);
            continue;
        }
        auto delta = torch::linear(h, asMatrix(a.up));
        if (!a.doraMagnitude.defined()) {
            out = out + delta * s;
            continue;
        }
        // c * (W x + s delta) - W x, with W x = base - bias.
        auto c = doraFactor(weight.reshape({weight.size(0), -1}), a, s);
        auto linearPart = bias.defined() ? base - bias : base;
        out = out + (c - 1) * linearPart + c * (delta * s);
    }
    return out;
}

torch::Tensor addConvAdapters(const torch::Tensor& x, const torch::Tensor& base,
                              const torch::Tensor& weight, const torch::Tensor& bias,
                              int64_t stride, int64_t padding,
                              const std::vector<LowRankAdapter>& adapters)
{
    const bool inPlace = canAddInPlace(base, adapters);
    torch::Tensor out = base;
    for (const auto& a : adapters) {
        const float w = AdapterScales::weight(a.slot);
        if (w == 0.0f)
            continue;
        const double s = static_cast<double>(w) * a.alphaOverRank;
        torch::Tensor h;
        if (a.mid.defined())
            h = torch::conv2d(torch::conv2d(x, a.down), a.mid, {}, {stride, stride},
                              {padding, padding});
        else
            h = torch::conv2d(x, a.down, {}, {stride, stride}, {padding, padding});
        auto delta = torch::conv2d(h, a.up);
        if (inPlace && !delta.requires_grad()) {
            out.add_(delta, s);
            continue;
        }
        if (!a.doraMagnitude.defined()) {
            out = out + delta * s;
            continue;
        }
        auto c = doraFactor(weight, a, s).view({1, -1, 1, 1});
        auto linearPart = bias.defined() ? base - bias.view({1, -1, 1, 1}) : base;
        out = out + (c - 1) * linearPart + c * (delta * s);
    }
    return out;
}

} // namespace md::nn

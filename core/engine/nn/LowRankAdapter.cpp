#include "engine/nn/LowRankAdapter.h"

#include "engine/nn/SampleAdapters.h"

#include <algorithm>
#include <torch/torch.h>
#include <utility>

namespace md::nn {

namespace {

thread_local const std::vector<float>* t_weights = nullptr;
thread_local bool t_any = false;
thread_local const std::vector<std::vector<float>>* t_rows = nullptr;
thread_local const torch::Tensor* t_sampleWeights = nullptr;
thread_local bool t_stacked = false;
thread_local SampleScaleCache* t_scaleCache = nullptr;

bool anyNonZero(const std::vector<float>& weights)
{
    return std::any_of(weights.begin(), weights.end(), [](float w) { return w != 0.0f; });
}

// [n, ...] -> [n, rest]: a 1x1 convolution's weight as a Linear one.
torch::Tensor asMatrix(const torch::Tensor& t)
{
    return t.dim() == 2 ? t : t.reshape({t.size(0), -1});
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
    : m_previous{t_weights, t_any, t_rows, t_sampleWeights, t_stacked, t_scaleCache},
      m_weights(std::move(weights))
{
    t_weights = &m_weights;
    t_any = anyNonZero(m_weights);
    t_rows = nullptr;
    t_sampleWeights = nullptr;
    t_scaleCache = nullptr;
}

AdapterScales::AdapterScales(const std::vector<std::vector<float>>& rows,
                             const torch::TensorOptions& options, SampleLoraKernel kernel,
                             const torch::Tensor& onDevice)
    : m_previous{t_weights, t_any, t_rows, t_sampleWeights, t_stacked, t_scaleCache}
{
    // Rows trimmed alike: equal rows are the uniform case (no per-sample tensor at all).
    size_t slots = 0;
    for (const auto& row : rows)
        slots = std::max(slots, row.size());
    m_rows = rows;
    for (auto& row : m_rows)
        row.resize(slots, 0.0f);
    const bool uniform = std::all_of(m_rows.begin(), m_rows.end(),
                                     [&](const std::vector<float>& r) { return r == m_rows[0]; });
    if (uniform || slots == 0) {
        m_weights = m_rows.empty() ? std::vector<float>() : m_rows[0];
        m_rows.clear();
        t_weights = &m_weights;
        t_any = anyNonZero(m_weights);
        t_rows = nullptr;
        t_sampleWeights = nullptr;
        t_scaleCache = nullptr;
        return;
    }
    const auto rowCount = static_cast<int64_t>(m_rows.size());
    const auto slotCount = static_cast<int64_t>(slots);
    if (onDevice.defined() && onDevice.dim() == 2 && onDevice.size(0) == rowCount &&
        onDevice.size(1) >= slotCount) {
        // (No narrow or cast that would do nothing: each is an op dispatched per call.)
        m_sampleWeights =
            onDevice.size(1) == slotCount ? onDevice : onDevice.narrow(1, 0, slotCount);
        const auto dtype = options.dtype_opt();
        const auto device = options.device_opt();
        if ((dtype && *dtype != m_sampleWeights.dtype()) ||
            (device && *device != m_sampleWeights.device()))
            m_sampleWeights = m_sampleWeights.to(options);
    } else {
        std::vector<float> flat;
        for (const auto& row : m_rows)
            flat.insert(flat.end(), row.begin(), row.end());
        m_sampleWeights =
            torch::tensor(flat, torch::kFloat32).view({rowCount, slotCount}).to(options);
    }
    t_weights = nullptr; // weight(slot) is 0 for every slot: per-sample layers read the rows
    t_any = std::any_of(m_rows.begin(), m_rows.end(), anyNonZero);
    t_rows = &m_rows;
    t_sampleWeights = &m_sampleWeights;
    t_scaleCache = &m_scaleCache;
    t_stacked = kernel == SampleLoraKernel::Stacked ||
                (kernel == SampleLoraKernel::Auto && options.device().is_cuda());
}

AdapterScales::~AdapterScales()
{
    t_weights = m_previous.weights;
    t_any = m_previous.any;
    t_rows = m_previous.rows;
    t_sampleWeights = m_previous.sampleWeights;
    t_stacked = m_previous.stacked;
    t_scaleCache = m_previous.scaleCache;
}

bool AdapterScales::stackedKernel()
{
    return t_stacked;
}

torch::Tensor AdapterScales::sampleScale(const torch::Tensor& expand, int64_t dims,
                                         bool ranksOnDim1)
{
    if (t_sampleWeights == nullptr)
        return {};
    if (t_scaleCache == nullptr || !SampleScaleCache::enabled())
        return SampleScaleCache::compute(*t_sampleWeights, expand, dims, ranksOnDim1);
    return t_scaleCache->scale(*t_sampleWeights, expand, dims, ranksOnDim1);
}

size_t AdapterScales::cachedScales()
{
    return t_scaleCache != nullptr ? t_scaleCache->size() : 0;
}

const torch::Tensor& AdapterScales::sampleWeights()
{
    static const torch::Tensor none;
    return t_sampleWeights != nullptr ? *t_sampleWeights : none;
}

float AdapterScales::sampleWeight(int64_t sample, int slot)
{
    if (t_rows == nullptr || sample < 0 || static_cast<size_t>(sample) >= t_rows->size() ||
        slot < 0)
        return 0.0f;
    const auto& row = (*t_rows)[static_cast<size_t>(sample)];
    return static_cast<size_t>(slot) < row.size() ? row[static_cast<size_t>(slot)] : 0.0f;
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

// The norm in float32 at least (float16 / bfloat16 weights).
torch::Tensor doraFactor(const torch::Tensor& weight, const LowRankAdapter& a, double s)
{
    const auto compute =
        weight.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
    auto merged = weight + adapterWeightDelta(a, weight.sizes()) * s;
    auto norm = merged.reshape({merged.size(0), -1}).to(compute).norm(2, {1});
    return (a.doraMagnitude.reshape({-1}).to(compute) / norm).to(weight.scalar_type());
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
                                const std::vector<LowRankAdapter>& adapters,
                                const StackedAdapters* stacked)
{
    if (AdapterScales::sampleWeights().defined())
        return addAdaptersPerSample(x, base, weight, bias, adapters, stacked, LayerGeometry{});
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
                              const std::vector<LowRankAdapter>& adapters,
                              const StackedAdapters* stacked)
{
    if (AdapterScales::sampleWeights().defined())
        return addAdaptersPerSample(x, base, weight, bias, adapters, stacked,
                                    LayerGeometry{true, stride, padding});
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

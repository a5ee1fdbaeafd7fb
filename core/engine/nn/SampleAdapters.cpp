#include "engine/nn/SampleAdapters.h"

#include "engine/nn/StackedAdapters.h"

#include <map>
#include <stdexcept>
#include <string>
#include <torch/torch.h>

namespace md::nn {

namespace {

torch::Tensor asMatrix(const torch::Tensor& t)
{
    return t.dim() == 2 ? t : t.reshape({t.size(0), -1});
}

torch::Tensor downOf(const torch::Tensor& x, const torch::Tensor& down, const torch::Tensor& mid,
                     const LayerGeometry& g)
{
    if (!g.conv) {
        auto h = torch::linear(x, asMatrix(down));
        return mid.defined() ? torch::linear(h, asMatrix(mid)) : h;
    }
    if (mid.defined())
        return torch::conv2d(torch::conv2d(x, down), mid, {}, {g.stride, g.stride},
                             {g.padding, g.padding});
    return torch::conv2d(x, down, {}, {g.stride, g.stride}, {g.padding, g.padding});
}

torch::Tensor upOf(const torch::Tensor& h, const torch::Tensor& up, const LayerGeometry& g)
{
    return g.conv ? torch::conv2d(h, up) : torch::linear(h, asMatrix(up));
}

// scale [B, R] shaped to broadcast over h (ranks on dim 1 for Conv2d, last for Linear).
torch::Tensor perSample(const torch::Tensor& scale, const torch::Tensor& h, const LayerGeometry& g)
{
    std::vector<int64_t> shape(static_cast<size_t>(h.dim()), 1);
    shape[0] = scale.size(0);
    shape[g.conv ? 1 : shape.size() - 1] = scale.size(1);
    return scale.to(h.scalar_type()).view(shape);
}

// out + delta, in place when allowed.
torch::Tensor accumulate(torch::Tensor out, const torch::Tensor& delta, bool inPlace)
{
    if (inPlace && !delta.requires_grad())
        return out.add_(delta);
    return out + delta;
}

bool anySample(int64_t batch, int slot)
{
    for (int64_t b = 0; b < batch; ++b)
        if (AdapterScales::sampleWeight(b, slot) != 0.0f)
            return true;
    return false;
}

// A DoRA adapter: its factor depends on the weight, so the samples run in groups of equal
// weight (their rows of x and base), each group's change added to its rows.
torch::Tensor addDora(torch::Tensor out, const torch::Tensor& x, const torch::Tensor& base,
                      const torch::Tensor& weight, const torch::Tensor& bias,
                      const LowRankAdapter& a, const LayerGeometry& g)
{
    std::map<float, std::vector<int64_t>> groups;
    for (int64_t b = 0; b < x.size(0); ++b)
        if (const float w = AdapterScales::sampleWeight(b, a.slot); w != 0.0f)
            groups[w].push_back(b);
    for (const auto& [w, samples] : groups) {
        const double s = static_cast<double>(w) * a.alphaOverRank;
        auto index = torch::tensor(samples, torch::kLong).to(x.device());
        auto xs = x.index_select(0, index);
        auto bs = base.index_select(0, index);
        auto delta = upOf(downOf(xs, a.down, a.mid, g), a.up, g);
        torch::Tensor c;
        torch::Tensor linearPart;
        if (g.conv) {
            c = doraFactor(weight, a, s).view({1, -1, 1, 1});
            linearPart = bias.defined() ? bs - bias.view({1, -1, 1, 1}) : bs;
        } else {
            c = doraFactor(weight.reshape({weight.size(0), -1}), a, s);
            linearPart = bias.defined() ? bs - bias : bs;
        }
        out = out.index_add(0, index, (c - 1) * linearPart + c * (delta * s));
    }
    return out;
}

} // namespace

torch::Tensor addAdaptersPerSample(const torch::Tensor& x, const torch::Tensor& base,
                                   const torch::Tensor& weight, const torch::Tensor& bias,
                                   const std::vector<LowRankAdapter>& adapters,
                                   const StackedAdapters* stacked, const LayerGeometry& g)
{
    const torch::Tensor& rows = AdapterScales::sampleWeights();
    const int64_t batch = x.size(0);
    if (rows.size(0) != batch)
        throw std::invalid_argument("LoRA: " + std::to_string(rows.size(0)) +
                                    " rows of per-sample weights for a batch of " +
                                    std::to_string(batch));
    const int64_t slots = rows.size(1);
    bool dora = false;
    for (const auto& a : adapters)
        dora = dora || (a.doraMagnitude.defined() && anySample(batch, a.slot));
    // DoRA needs base as it came out of the layer.
    const bool inPlace = !dora && !base.requires_grad() && base.is_contiguous();
    torch::Tensor out = base;
    const bool useStack = AdapterScales::stackedKernel() && stacked != nullptr &&
                          !stacked->empty() && stacked->matches(adapters);
    if (useStack) {
        const int64_t n = std::min(slots, stacked->expand.size(0));
        if (n > 0) {
            auto scale = rows.narrow(1, 0, n)
                             .to(stacked->expand.scalar_type())
                             .matmul(stacked->expand.narrow(0, 0, n)); // [B, R]
            auto h = downOf(x, stacked->down, {}, g);
            h = h.requires_grad() ? h * perSample(scale, h, g) : h.mul_(perSample(scale, h, g));
            if (inPlace && !g.conv && !h.requires_grad()) {
                out.view({-1, out.size(-1)})
                    .addmm_(h.reshape({-1, h.size(-1)}), asMatrix(stacked->up).t());
            } else {
                out = accumulate(out, upOf(h, stacked->up, g), inPlace);
            }
        }
    }
    for (size_t i = 0; i < adapters.size(); ++i) {
        const LowRankAdapter& a = adapters[i];
        if ((useStack && stacked->stacked[i]) || a.slot < 0 || a.slot >= slots)
            continue;
        std::vector<int64_t> samples;
        std::vector<float> scales;
        for (int64_t b = 0; b < batch; ++b) {
            if (const float w = AdapterScales::sampleWeight(b, a.slot); w != 0.0f) {
                samples.push_back(b);
                scales.push_back(static_cast<float>(w * a.alphaOverRank));
            }
        }
        if (samples.empty())
            continue;
        if (a.doraMagnitude.defined()) {
            out = addDora(out, x, base, weight, bias, a, g);
            continue;
        }
        if (static_cast<int64_t>(samples.size()) == batch) { // every sample: no gather
            auto h = downOf(x, a.down, a.mid, g);
            h = h * perSample(rows.narrow(1, a.slot, 1) * a.alphaOverRank, h, g);
            out = accumulate(out, upOf(h, a.up, g), inPlace);
            continue;
        }
        // The rows of the samples that use it, gathered and scattered back.
        auto index = torch::tensor(samples, torch::kLong).to(x.device());
        auto h = downOf(x.index_select(0, index), a.down, a.mid, g);
        auto scale = torch::tensor(scales, torch::kFloat32).view({-1, 1}).to(x.device());
        h = h * perSample(scale, h, g);
        auto delta = upOf(h, a.up, g);
        out = inPlace && !delta.requires_grad() ? out.index_add_(0, index, delta)
                                                : out.index_add(0, index, delta);
    }
    return out;
}

} // namespace md::nn

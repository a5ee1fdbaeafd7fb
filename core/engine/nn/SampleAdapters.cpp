#include "engine/nn/SampleAdapters.h"

#include "engine/nn/StackedAdapters.h"

#include <map>
#include <stdexcept>
#include <string>
#include <torch/torch.h>

namespace md::nn {

namespace {

torch::Tensor matrixOf(const torch::Tensor& t)
{
    return t.dim() == 2 ? t : t.reshape({t.size(0), -1});
}

torch::Tensor downOf(const torch::Tensor& x, const torch::Tensor& down, const torch::Tensor& mid,
                     const LayerGeometry& g)
{
    if (!g.conv) {
        auto h = torch::linear(x, matrixOf(down));
        return mid.defined() ? torch::linear(h, matrixOf(mid)) : h;
    }
    if (mid.defined())
        return torch::conv2d(torch::conv2d(x, down), mid, {}, {g.stride, g.stride},
                             {g.padding, g.padding});
    return torch::conv2d(x, down, {}, {g.stride, g.stride}, {g.padding, g.padding});
}

torch::Tensor upOf(const torch::Tensor& h, const torch::Tensor& up, const LayerGeometry& g)
{
    return g.conv ? torch::conv2d(h, up) : torch::linear(h, matrixOf(up));
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

// The stacked kernel: down, each sample's scale of each rank column (made once per call for
// all layers of equal expand: AdapterScales::sampleScale), up. Linear in place, the common
// case on a GPU, in 5 or 6 ops: the view of x, one product, the multiply (on a view), the
// view of out and one addmm into it.
torch::Tensor addStack(const torch::Tensor& x, torch::Tensor out, const StackedAdapters& stack,
                       bool inPlace, const LayerGeometry& g)
{
    const bool grad = torch::GradMode::is_enabled() && x.requires_grad(); // (stacks: no grad)
    if (!g.conv && inPlace && !grad && stack.downT.defined()) {
        const bool tokens = x.dim() > 2; // [B, ..., in]: the scale broadcasts over the tokens
        auto scale = AdapterScales::sampleScale(stack.expand, tokens ? 3 : 2, false);
        const int64_t in = x.size(-1);
        auto matrix = !tokens ? x : x.is_contiguous() ? x.view({-1, in}) : x.reshape({-1, in});
        auto h = matrix.mm(stack.downT); // [N, R]
        if (scale.scalar_type() != h.scalar_type())
            scale = scale.to(h.scalar_type());
        (tokens ? h.view({x.size(0), -1, h.size(1)}) : h).mul_(scale);
        out.view({-1, out.size(-1)}).addmm_(h, stack.upT);
        return out;
    }
    auto h = downOf(x, stack.down, {}, g);
    auto scale = AdapterScales::sampleScale(stack.expand, h.dim(), g.conv);
    if (scale.scalar_type() != h.scalar_type())
        scale = scale.to(h.scalar_type());
    h = h.requires_grad() ? h * scale : h.mul_(scale);
    return accumulate(out, upOf(h, stack.up, g), inPlace);
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
    if (useStack)
        out = addStack(x, out, *stacked, inPlace, g);
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

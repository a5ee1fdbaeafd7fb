#pragma once

// LoRA at run time: a low-rank update of one Linear or Conv2d layer, added to the layer's
// output without touching its weights, so several LoRAs can stay loaded on one model and
// each UNet call (each region's pass) enables its own:
//     y = base(x) + sum over enabled adapters a of  s_a * up_a(mid_a(down_a(x)))
//     s_a = AdapterScales weight of a.slot * alphaOverRank
// Conv2d layers: down is a convolution with the base layer's kernel, stride and padding (or
// 1x1 when `mid` carries the kernel: LyCORIS' CP decomposition), up is 1x1.
// DoRA (`doraMagnitude` defined): the layer's weight becomes m * W' / ||W'|| with
// W' = W + s * up @ down and the norm per output channel; applied at run time as a
// per-output-channel rescale of base(x) - bias + delta(x).
//
// Several DoRA adapters on one layer each add their own (merged weight - W) x, computed from
// the base W. Tensors of an adapter must have the layer's device and dtype; the adds are
// differentiable (gradients reach down/mid/up/doraMagnitude when they require them).
//
// Which adapters a call uses is thread state (the layers' forward signatures stay as they
// are): an AdapterScales object sets the weight of every slot for calls made on its thread
// while it lives; with none alive, or a weight of 0, an adapter costs nothing.
// Per sample: an AdapterScales made from one row of weights per sample (the batch's first
// dimension) lets one call mix LoRA sets; the layers then run their stacked adapters
// (StackedAdapters.h) with a per-sample scale, and the others (DoRA, CP mids) one by one
// with a per-sample weight. Rows that are all equal are the uniform case.
// How a mixed call runs its adapters (SampleLoraKernel): stacked (two products and a multiply
// per layer whatever the number of LoRAs, each sample paying every LoRA's rank: fewest
// kernel launches, for GPUs) or gathered (each LoRA on the rows of the samples that use it,
// gathered and scattered back: fewest multiply-adds, for CPUs); Auto picks by the device.

#include "engine/nn/SampleScaleCache.h"

#include <cstdint>
#include <torch/types.h>
#include <vector>

namespace md::nn {

struct LowRankAdapter
{
    int slot = 0;       // which LoRA: the index into AdapterScales' weights
    torch::Tensor down; // Linear: [r, in]; Conv2d: [r, in, k, k] (or [r, in, 1, 1] with mid)
    torch::Tensor mid;  // Conv2d with CP decomposition: [r, r, k, k]; otherwise undefined
    torch::Tensor up;   // Linear: [out, r]; Conv2d: [out, r, 1, 1]
    double alphaOverRank = 1.0;  // alpha / r (1 when the file has no alpha)
    torch::Tensor doraMagnitude; // DoRA: [out] (the file's dora_scale); otherwise undefined
};

enum class SampleLoraKernel {
    Auto,     // stacked on CUDA, gathered elsewhere
    Stacked,  // StackedAdapters: down_all, per-sample scale, up_all
    Gathered, // per LoRA: its samples' rows only
};

class AdapterScales
{
public:
    // weights[slot]: the multiplier of that slot's adapters (slots beyond the vector: 0).
    explicit AdapterScales(std::vector<float> weights);
    // rows[b][slot]: the weights of sample b (slots beyond a row: 0). The per-sample tensor is
    // made once here, on `options`' device and dtype (the layers'): one copy per call.
    // `onDevice`: the rows as a [B, slots] tensor already on the device (a GPU caller keeps
    // it from call to call: no host copy, which would wait for the GPU); cast to `options`.
    AdapterScales(const std::vector<std::vector<float>>& rows, const torch::TensorOptions& options,
                  SampleLoraKernel kernel = SampleLoraKernel::Auto,
                  const torch::Tensor& onDevice = {});
    ~AdapterScales(); // restores the scales that were active before (nesting allowed)
    AdapterScales(const AdapterScales&) = delete;
    AdapterScales& operator=(const AdapterScales&) = delete;

    // The weight of `slot` on this thread now (0 when no AdapterScales is alive).
    static float weight(int slot);
    // Whether any slot has a non-zero weight on this thread now.
    static bool anyActive();
    // Per-sample mode: the weights [B, slots] on the layers' device; undefined otherwise.
    static const torch::Tensor& sampleWeights();
    // Per-sample mode: sample b's weight of `slot` (host copy; 0 outside the rows).
    static float sampleWeight(int64_t sample, int slot);
    // Per-sample mode: whether the layers use their stacks (the kernel, Auto resolved).
    static bool stackedKernel();
    // Per-sample mode: sampleWeights() @ expand (a StackedAdapters' expand) viewed for a
    // layer's h (SampleScaleCache::compute), made once per expand and layout while this
    // AdapterScales lives (SampleScaleCache.h); undefined outside per-sample mode.
    static torch::Tensor sampleScale(const torch::Tensor& expand, int64_t dims, bool ranksOnDim1);
    // Per-sample mode: how many scales the calls so far have made (0 otherwise).
    static size_t cachedScales();

private:
    struct State
    {
        const std::vector<float>* weights = nullptr;
        bool any = false;
        const std::vector<std::vector<float>>* rows = nullptr;
        const torch::Tensor* sampleWeights = nullptr;
        bool stacked = false;
        SampleScaleCache* scaleCache = nullptr;
    };
    State m_previous;
    std::vector<float> m_weights;
    std::vector<std::vector<float>> m_rows;
    torch::Tensor m_sampleWeights;
    SampleScaleCache m_scaleCache;
};

struct StackedAdapters;

// The base layer's output `base` for input `x` plus the enabled adapters (AdapterScales on this
// thread). `stacked`: the layer's stack of `adapters`, used in per-sample mode when it still
// matches them (null or stale: adapter by adapter). Without autograd the adds may go into `base` in
// place (pass a fresh output). Linear: x
// [..., in], weight [out, in]; 1x1-conv adapters ([r, in, 1, 1] ...) act as Linear ones on tokens,
// so a 1x1 convolution run as a matrix product can use them too.
torch::Tensor addLinearAdapters(const torch::Tensor& x, const torch::Tensor& base,
                                const torch::Tensor& weight, const torch::Tensor& bias,
                                const std::vector<LowRankAdapter>& adapters,
                                const StackedAdapters* stacked = nullptr);
// Conv2d: x [B, in, H, W], weight [out, in, k, k], the base layer's stride and padding.
torch::Tensor addConvAdapters(const torch::Tensor& x, const torch::Tensor& base,
                              const torch::Tensor& weight, const torch::Tensor& bias,
                              int64_t stride, int64_t padding,
                              const std::vector<LowRankAdapter>& adapters,
                              const StackedAdapters* stacked = nullptr);

// up @ (mid) @ down as a weight of `shape` (the layer's: [out, in] or [out, in, k, k]), without
// the scale: the merged layer has W + s * adapterWeightDelta(a, W.sizes()).
torch::Tensor adapterWeightDelta(const LowRankAdapter& adapter, at::IntArrayRef shape);
// The merged weight of one adapter at scale s (= slot weight * alphaOverRank): W + s * delta, or
// with DoRA m * W' / ||W'|| (norm per output channel).
torch::Tensor mergedAdapterWeight(const torch::Tensor& weight, const LowRankAdapter& adapter,
                                  double s);
// DoRA: m / ||W + s * delta|| per output channel ([out], the weight's dtype).
torch::Tensor doraFactor(const torch::Tensor& weight, const LowRankAdapter& adapter, double s);

} // namespace md::nn

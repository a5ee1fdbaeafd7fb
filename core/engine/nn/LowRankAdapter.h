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

class AdapterScales
{
public:
    // weights[slot]: the multiplier of that slot's adapters (slots beyond the vector: 0).
    explicit AdapterScales(std::vector<float> weights);
    ~AdapterScales(); // restores the scales that were active before (nesting allowed)
    AdapterScales(const AdapterScales&) = delete;
    AdapterScales& operator=(const AdapterScales&) = delete;

    // The weight of `slot` on this thread now (0 when no AdapterScales is alive).
    static float weight(int slot);
    // Whether any slot has a non-zero weight on this thread now.
    static bool anyActive();

private:
    const std::vector<float>* m_previous;
    bool m_previousAny;
    std::vector<float> m_weights;
};

// The base layer's output `base` for input `x` plus the enabled adapters (AdapterScales on this
// thread). Without autograd the adds may go into `base` in place (pass a fresh output). Linear: x
// [..., in], weight [out, in]; 1x1-conv adapters ([r, in, 1, 1] ...) act as Linear ones on tokens,
// so a 1x1 convolution run as a matrix product can use them too.
torch::Tensor addLinearAdapters(const torch::Tensor& x, const torch::Tensor& base,
                                const torch::Tensor& weight, const torch::Tensor& bias,
                                const std::vector<LowRankAdapter>& adapters);
// Conv2d: x [B, in, H, W], weight [out, in, k, k], the base layer's stride and padding.
torch::Tensor addConvAdapters(const torch::Tensor& x, const torch::Tensor& base,
                              const torch::Tensor& weight, const torch::Tensor& bias,
                              int64_t stride, int64_t padding,
                              const std::vector<LowRankAdapter>& adapters);

// up @ (mid) @ down as a weight of `shape` (the layer's: [out, in] or [out, in, k, k]), without
// the scale: the merged layer has W + s * adapterWeightDelta(a, W.sizes()).
torch::Tensor adapterWeightDelta(const LowRankAdapter& adapter, at::IntArrayRef shape);
// The merged weight of one adapter at scale s (= slot weight * alphaOverRank): W + s * delta, or
// with DoRA m * W' / ||W'|| (norm per output channel).
torch::Tensor mergedAdapterWeight(const torch::Tensor& weight, const LowRankAdapter& adapter,
                                  double s);

} // namespace md::nn

#pragma once

// Scaled dot-product attention, softmax(q k^T / sqrt(d)) v, for every module of the engine.
//
// On libtorch >= 2.0 this calls at::scaled_dot_product_attention (flash / memory-efficient
// kernels on CUDA). Older libtorch (Debian's 1.13) has no public fused kernel, so the scores
// are computed with baddbmm/softmax/bmm over chunks of queries (and of the batch) so that the
// score buffers never exceed a budget: a 64x64-latent self-attention (4096 tokens) at batch 16
// x 8 heads would otherwise need 4096^2 x 128 x 4 bytes = 8.6 GB at once.
//
// Both paths are differentiable (no NoGrad inside).

#include <cstdint>
#include <torch/types.h>

namespace md::nn {

struct AttentionOptions
{
    bool causal = false; // query i sees keys 0..i only (requires Lq == Lk)
    // Compute q k^T and the softmax in float32 when the inputs are float16/bfloat16 (what
    // diffusers' upcast_attention and upcast_softmax do; SD 2.1 needs it in fp16).
    bool upcast = false;
    // Bytes of scores that the chunked path computes at once (softmax runs in place without
    // autograd; with autograd the probabilities take as much again). 0: automatic, 2 MB on
    // the CPU, where cache-sized blocks run 2-3x faster than large ones (measured with
    // OpenBLAS on this project's machine), 256 MB elsewhere.
    int64_t scoreBudgetBytes = 0;
};

// q [..., Lq, D], k [..., Lk, D], v [..., Lk, Dv] with equal leading dims (typically
// [B, heads, L, D]; any strides) -> [..., Lq, Dv].
torch::Tensor scaledDotProductAttention(const torch::Tensor& q, const torch::Tensor& k,
                                        const torch::Tensor& v,
                                        const AttentionOptions& options = {});

// The memory-bounded path, available on every libtorch version (and used by the tests).
torch::Tensor chunkedAttention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const AttentionOptions& options = {});

} // namespace md::nn

#include "engine/nn/Attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <torch/torch.h>
#include <torch/version.h>
#include <vector>

namespace md::nn {

namespace {

bool isReducedFloat(torch::ScalarType type)
{
    return type == torch::kHalf || type == torch::kBFloat16;
}

// One block of rows: scores for queries [qBegin, qBegin + qc) of batch slice `q3`.
torch::Tensor attendBlock(const torch::Tensor& q3, const torch::Tensor& kT, const torch::Tensor& v3,
                          int64_t qBegin, double scale, bool causal, bool upcast,
                          torch::ScalarType outType)
{
    const int64_t n = q3.size(0);
    const int64_t rows = q3.size(1);
    const int64_t keys = kT.size(2);
    // Zeroed and in place: libtorch 1.13's CPU baddbmm with beta = 0 still reads its output
    // buffer for some small shapes, so stale NaN / -inf in reused memory leaked (0 * NaN).
    auto scores = torch::zeros({n, rows, keys}, kT.options());
    scores.baddbmm_(q3, kT, /*beta=*/0.0, /*alpha=*/scale);
    if (causal) {
        // Query row r (absolute qBegin + r) may see keys 0..qBegin + r.
        auto mask =
            torch::ones({rows, keys}, scores.options().dtype(torch::kBool)).triu(qBegin + 1);
        scores.masked_fill_(mask, -std::numeric_limits<double>::infinity());
    }
    torch::Tensor probs;
    if (scores.requires_grad()) {
        probs = torch::softmax(scores, -1);
    } else {
        // In place: the kernel reads each row before it writes it.
        probs = at::_softmax_out(scores, scores, -1, false);
    }
    if (upcast)
        probs = probs.to(outType);
    return torch::bmm(probs, v3);
}

} // namespace

torch::Tensor chunkedAttention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, const AttentionOptions& options)
{
    TORCH_CHECK(q.dim() >= 3 && k.dim() == q.dim() && v.dim() == q.dim(),
                "attention: q, k, v must have the same rank >= 3");
    const int64_t lq = q.size(-2);
    const int64_t lk = k.size(-2);
    const int64_t d = q.size(-1);
    const int64_t dv = v.size(-1);
    TORCH_CHECK(!options.causal || lq == lk, "attention: causal mask needs Lq == Lk");

    std::vector<int64_t> outShape(q.sizes().begin(), q.sizes().end());
    outShape.back() = dv;

    auto q3 = q.reshape({-1, lq, d});
    auto k3 = k.reshape({-1, lk, d});
    auto v3 = v.reshape({-1, lk, dv});
    const int64_t n = q3.size(0);
    const auto outType = v.scalar_type();
    const bool upcast = options.upcast && isReducedFloat(q.scalar_type());
    if (upcast) {
        q3 = q3.to(torch::kFloat);
        k3 = k3.to(torch::kFloat);
    }
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    auto kT = k3.transpose(1, 2);

    // One score row is Lk elements (twice that with autograd, which keeps the scores).
    const int64_t elem = static_cast<int64_t>(torch::elementSize(kT.scalar_type()));
    const int64_t copies = q.requires_grad() || k.requires_grad() ? 2 : 1;
    const int64_t rowBytes = std::max<int64_t>(1, copies * lk * elem);
    int64_t budget = options.scoreBudgetBytes;
    if (budget <= 0)
        budget = q.device().is_cpu() ? int64_t(2) << 20 : int64_t(256) << 20;
    const int64_t rowBudget = std::max<int64_t>(1, budget / rowBytes);

    if (n * lq <= rowBudget)
        return attendBlock(q3, kT, v3, 0, scale, options.causal, upcast, outType).view(outShape);

    // Whole query ranges for several batch items at once, or row chunks of one item.
    const int64_t batchStep = std::clamp<int64_t>(rowBudget / lq, 1, n);
    const int64_t rowStep = batchStep > 1 ? lq : std::min(lq, rowBudget);
    std::vector<torch::Tensor> slices;
    for (int64_t b = 0; b < n; b += batchStep) {
        const int64_t nb = std::min(batchStep, n - b);
        auto qb = q3.narrow(0, b, nb);
        auto kb = kT.narrow(0, b, nb);
        auto vb = v3.narrow(0, b, nb);
        if (rowStep == lq) {
            slices.push_back(attendBlock(qb, kb, vb, 0, scale, options.causal, upcast, outType));
            continue;
        }
        std::vector<torch::Tensor> rows;
        for (int64_t r = 0; r < lq; r += rowStep) {
            const int64_t nr = std::min(rowStep, lq - r);
            rows.push_back(attendBlock(qb.narrow(1, r, nr), kb, vb, r, scale, options.causal,
                                       upcast, outType));
        }
        slices.push_back(torch::cat(rows, 1));
    }
    return torch::cat(slices, 0).view(outShape);
}

torch::Tensor scaledDotProductAttention(const torch::Tensor& q, const torch::Tensor& k,
                                        const torch::Tensor& v, const AttentionOptions& options)
{
#if TORCH_VERSION_MAJOR >= 2
    // The fused kernels accumulate in float32 internally, which covers `upcast`; on the CPU
    // a reduced-precision upcast request still takes the explicit float32 path.
    if (!(options.upcast && q.device().is_cpu() && isReducedFloat(q.scalar_type())))
        return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0,
                                                /*is_causal=*/options.causal);
#endif
    return chunkedAttention(q, k, v, options);
}

} // namespace md::nn

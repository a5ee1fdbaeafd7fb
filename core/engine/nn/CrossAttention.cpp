#include "engine/nn/CrossAttention.h"

#include <torch/torch.h>

namespace md::nn {

torch::Tensor splitHeads(const torch::Tensor& x, int64_t heads)
{
    const int64_t b = x.size(0);
    const int64_t l = x.size(1);
    return x.view({b, l, heads, x.size(2) / heads}).transpose(1, 2);
}

torch::Tensor mergeHeads(const torch::Tensor& x)
{
    const int64_t b = x.size(0);
    const int64_t l = x.size(2);
    return x.transpose(1, 2).reshape({b, l, x.size(1) * x.size(3)});
}

CrossAttentionImpl::CrossAttentionImpl(const CrossAttentionOptions& options) : m_options(options)
{
    const int64_t inner = options.heads * options.headDim;
    const int64_t contextDim = options.contextDim > 0 ? options.contextDim : options.queryDim;
    m_toQ = register_module("to_q", LinearLayer(options.queryDim, inner, options.qkvBias));
    m_toK = register_module("to_k", LinearLayer(contextDim, inner, options.qkvBias));
    m_toV = register_module("to_v", LinearLayer(contextDim, inner, options.qkvBias));
    auto toOut = register_module("to_out", torch::nn::ModuleList());
    m_toOut = LinearLayer(inner, options.queryDim, true);
    toOut->push_back(m_toOut); // "to_out.0" (diffusers keeps a Dropout at "to_out.1")
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context)
{
    const auto& source = context.defined() ? context : x;
    auto q = splitHeads(m_toQ(x), m_options.heads);
    auto k = splitHeads(m_toK(source), m_options.heads);
    auto v = splitHeads(m_toV(source), m_options.heads);
    AttentionOptions attention;
    attention.upcast = m_options.upcast;
    auto out = scaledDotProductAttention(q, k, v, attention);
    return m_toOut(mergeHeads(out));
}

} // namespace md::nn

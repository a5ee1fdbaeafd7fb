#include "engine/nn/BasicTransformerBlock.h"

#include "engine/nn/TensorOps.h"

namespace md::nn {

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t headDim,
                                                     int64_t contextDim, bool upcastAttention)
{
    CrossAttentionOptions self;
    self.queryDim = dim;
    self.heads = heads;
    self.headDim = headDim;
    self.upcast = upcastAttention;
    CrossAttentionOptions cross = self;
    cross.contextDim = contextDim;

    m_norm1 = register_module("norm1", LayerNormLayer(dim, 1e-5));
    m_attn1 = register_module("attn1", CrossAttention(self));
    m_norm2 = register_module("norm2", LayerNormLayer(dim, 1e-5));
    m_attn2 = register_module("attn2", CrossAttention(cross));
    m_norm3 = register_module("norm3", LayerNormLayer(dim, 1e-5));
    m_ff = register_module("ff", FeedForward(dim, 4));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x,
                                                 const torch::Tensor& context)
{
    auto h = addInto(m_attn1(m_norm1(x)), x);
    h = addInto(m_attn2(m_norm2(h), context), h);
    return addInto(m_ff(m_norm3(h)), h);
}

} // namespace md::nn

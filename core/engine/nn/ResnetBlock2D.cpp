#include "engine/nn/ResnetBlock2D.h"

#include "engine/nn/TensorOps.h"

namespace md::nn {

ResnetBlock2DImpl::ResnetBlock2DImpl(const ResnetBlock2DOptions& o)
{
    m_norm1 = register_module("norm1", GroupNormLayer(o.groups, o.inChannels, o.eps));
    m_conv1 = register_module("conv1", Conv2dLayer(o.inChannels, o.outChannels, 3, 1, 1));
    if (o.tembChannels > 0)
        m_timeEmbProj =
            register_module("time_emb_proj", LinearLayer(o.tembChannels, o.outChannels));
    m_norm2 = register_module("norm2", GroupNormLayer(o.groups, o.outChannels, o.eps));
    m_conv2 = register_module("conv2", Conv2dLayer(o.outChannels, o.outChannels, 3, 1, 1));
    if (o.inChannels != o.outChannels)
        m_convShortcut =
            register_module("conv_shortcut", Conv2dLayer(o.inChannels, o.outChannels, 1));
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& tembActivated)
{
    auto h = m_conv1(m_norm1->forwardSilu(x));
    if (m_timeEmbProj && tembActivated.defined())
        h = addInto(h, m_timeEmbProj(tembActivated).unsqueeze(-1).unsqueeze(-1));
    h = m_conv2(m_norm2->forwardSilu(h));
    return addInto(h, m_convShortcut ? m_convShortcut(x) : x);
}

} // namespace md::nn

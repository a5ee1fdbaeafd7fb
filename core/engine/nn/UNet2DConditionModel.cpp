#include "engine/nn/UNet2DConditionModel.h"

#include "engine/nn/TensorOps.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/torch.h>

namespace md::nn {

namespace {

int64_t headsAt(const UNetConfig& config, size_t level)
{
    if (config.numHeads.size() == 1)
        return config.numHeads[0];
    return config.numHeads.at(level);
}

} // namespace

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNetConfig& config) : m_config(config)
{
    const auto& channels = config.blockOutChannels;
    const size_t levels = channels.size();
    TORCH_CHECK(levels >= 1, "UNet config: block_out_channels is empty");
    TORCH_CHECK(config.downBlockHasAttention.size() == levels &&
                    config.upBlockHasAttention.size() == levels,
                "UNet config: ", levels, " levels but ", config.downBlockHasAttention.size(),
                " down and ", config.upBlockHasAttention.size(), " up block types");
    TORCH_CHECK(config.numHeads.size() == 1 || config.numHeads.size() == levels,
                "UNet config: ", config.numHeads.size(), " head counts for ", levels, " levels");
    for (size_t i = 0; i < levels; ++i) {
        TORCH_CHECK(channels[i] > 0 && channels[i] % config.normNumGroups == 0,
                    "UNet config: ", channels[i], " channels are not divisible into ",
                    config.normNumGroups, " groups");
        TORCH_CHECK(headsAt(config, i) > 0 && channels[i] % headsAt(config, i) == 0,
                    "UNet config: ", channels[i], " channels are not divisible into ",
                    headsAt(config, i), " heads");
    }

    const int64_t temb = channels[0] * 4;
    m_convIn = register_module("conv_in", Conv2dLayer(config.inChannels, channels[0], 3, 1, 1));
    m_timeEmbedding = register_module("time_embedding", TimestepEmbedding(channels[0], temb));
    if (config.hasTextTime())
        m_addEmbedding = register_module(
            "add_embedding", TimestepEmbedding(config.projectionClassEmbeddingsInputDim, temb));
    TORCH_CHECK(config.transformerLayersPerBlock.size() == 1 ||
                    config.transformerLayersPerBlock.size() == levels,
                "UNet config: ", config.transformerLayersPerBlock.size(),
                " transformer_layers_per_block entries for ", levels, " levels");

    UNetBlockOptions base;
    base.tembChannels = temb;
    base.groups = config.normNumGroups;
    base.eps = config.normEps;
    base.contextDim = config.crossAttentionDim;
    base.linearProjection = config.useLinearProjection;
    base.upcastAttention = config.upcastAttention;

    auto down = register_module("down_blocks", torch::nn::ModuleList());
    for (size_t i = 0; i < levels; ++i) {
        UNetBlockOptions o = base;
        o.inChannels = i == 0 ? channels[0] : channels[i - 1];
        o.outChannels = channels[i];
        o.layers = config.layersPerBlock;
        o.hasAttention = config.downBlockHasAttention[i];
        o.heads = headsAt(config, i);
        o.transformerLayers = config.transformerLayersAt(i);
        o.addSampler = i + 1 < levels;
        m_down.emplace_back(o);
        down->push_back(m_down.back());
    }

    UNetBlockOptions mid = base;
    mid.inChannels = channels.back();
    mid.outChannels = channels.back();
    mid.hasAttention = config.midBlockHasAttention;
    mid.heads = headsAt(config, levels - 1);
    mid.transformerLayers = config.transformerLayersAt(levels - 1);
    m_mid = register_module("mid_block", MidBlock2D(mid));

    auto up = register_module("up_blocks", torch::nn::ModuleList());
    int64_t outChannels = channels.back();
    for (size_t i = 0; i < levels; ++i) {
        const size_t level = levels - 1 - i; // the down level this up block mirrors
        UNetBlockOptions o = base;
        o.prevOutChannels = outChannels;
        outChannels = channels[level];
        o.outChannels = outChannels;
        o.inChannels = channels[level == 0 ? 0 : level - 1];
        o.layers = config.layersPerBlock + 1;
        o.hasAttention = config.upBlockHasAttention[i];
        o.heads = headsAt(config, level);
        o.transformerLayers = config.transformerLayersAt(level);
        o.addSampler = i + 1 < levels;
        m_up.emplace_back(o);
        up->push_back(m_up.back());
    }

    m_convNormOut = register_module(
        "conv_norm_out", GroupNormLayer(config.normNumGroups, channels[0], config.normEps));
    m_convOut = register_module("conv_out", Conv2dLayer(channels[0], config.outChannels, 3, 1, 1));
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample,
                                                const torch::Tensor& timestep,
                                                const torch::Tensor& encoderHiddenStates,
                                                const torch::Tensor& textEmbeds,
                                                const torch::Tensor& timeIds)
{
    const int64_t batch = sample.size(0);
    auto t = timestep.to(sample.device());
    if (t.dim() == 0)
        t = t.unsqueeze(0);
    if (t.size(0) != batch)
        t = t.expand({batch});

    auto projected = sinusoidalTimestepEmbedding(t, m_config.blockOutChannels[0],
                                                 m_config.flipSinToCos, m_config.freqShift)
                         .to(sample.scalar_type());
    // Every resnet applies SiLU to the embedding first: do it once here.
    auto emb = m_timeEmbedding(projected);
    if (m_config.hasTextTime()) {
        TORCH_CHECK(textEmbeds.defined() && timeIds.defined(),
                    "this UNet (SDXL) needs the pooled text embeds and the add_time_ids");
        TORCH_CHECK(textEmbeds.size(0) == batch && timeIds.size(0) == batch,
                    "UNet: text embeds / time ids batch differs from the sample's");
        auto timeEmbeds =
            sinusoidalTimestepEmbedding(timeIds.to(sample.device()).flatten(),
                                        m_config.additionTimeEmbedDim, m_config.flipSinToCos,
                                        m_config.freqShift)
                .reshape({batch, -1});
        auto addEmbeds =
            torch::cat({textEmbeds.to(sample.device(), torch::kFloat32), timeEmbeds}, -1);
        emb = addInto(emb, m_addEmbedding(addEmbeds.to(emb.scalar_type())));
    }
    auto temb = siluInplace(emb);

    auto x = m_convIn(sample);
    std::vector<torch::Tensor> skips;
    skips.reserve(1 + m_down.size() * (m_config.layersPerBlock + 1));
    skips.push_back(x);
    for (auto& block : m_down)
        x = block(x, temb, encoderHiddenStates, skips);

    x = m_mid(x, temb, encoderHiddenStates);

    for (size_t i = 0; i < m_up.size(); ++i) {
        auto& block = m_up[i];
        std::vector<int64_t> upsampleSize;
        // Upsample to the size of the skip connection that the next block meets (2x unless a
        // level had an odd size; diffusers' forward_upsample_size).
        if (i + 1 < m_up.size() && skips.size() > block->resnetCount()) {
            const auto& next = skips[skips.size() - block->resnetCount() - 1];
            upsampleSize = {next.size(2), next.size(3)};
        }
        x = block(x, skips, temb, encoderHiddenStates, upsampleSize);
    }

    return m_convOut(m_convNormOut->forwardSilu(x));
}

} // namespace md::nn

#include "engine/nn/ClipTextModel.h"

#include <algorithm>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/torch.h>

namespace md::nn {

ClipTextModelImpl::ClipTextModelImpl(const TextEncoderConfig& config) : m_config(config)
{
    TORCH_CHECK(config.numAttentionHeads > 0 && config.hiddenSize % config.numAttentionHeads == 0,
                "text encoder config: hidden size ", config.hiddenSize, " is not divisible into ",
                config.numAttentionHeads, " heads");
    ClipActivation activation;
    if (config.hiddenAct == "quick_gelu")
        activation = ClipActivation::QuickGelu;
    else if (config.hiddenAct == "gelu")
        activation = ClipActivation::Gelu;
    else
        TORCH_CHECK(false, "text encoder config: unsupported hidden_act \"", config.hiddenAct,
                    "\" (expected quick_gelu or gelu)");

    auto textModel = register_module("text_model", std::make_shared<torch::nn::Module>());
    auto embeddings =
        textModel->register_module("embeddings", std::make_shared<torch::nn::Module>());
    m_tokenEmbedding = embeddings->register_module(
        "token_embedding", EmbeddingLayer(config.vocabSize, config.hiddenSize));
    m_positionEmbedding = embeddings->register_module(
        "position_embedding", EmbeddingLayer(config.maxPositionEmbeddings, config.hiddenSize));
    auto encoder = textModel->register_module("encoder", std::make_shared<torch::nn::Module>());
    auto layers = encoder->register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < config.numHiddenLayers; ++i) {
        m_layers.emplace_back(config.hiddenSize, config.intermediateSize, config.numAttentionHeads,
                              config.layerNormEps, activation);
        layers->push_back(m_layers.back());
    }
    m_finalLayerNorm = textModel->register_module(
        "final_layer_norm", LayerNormLayer(config.hiddenSize, config.layerNormEps));
    if (config.hasProjection)
        m_textProjection = register_module(
            "text_projection", LinearLayer(config.hiddenSize, config.projectionDim, false));
}

torch::Tensor ClipTextModelImpl::embed(const torch::Tensor& ids)
{
    TORCH_CHECK(ids.dim() == 2, "text encoder: token ids must be [batch, length]");
    const int64_t length = ids.size(1);
    TORCH_CHECK(length <= m_config.maxPositionEmbeddings, "text encoder: ", length,
                " tokens, at most ", m_config.maxPositionEmbeddings, " fit");
    auto positions = torch::arange(
        length,
        torch::TensorOptions().dtype(torch::kLong).device(m_positionEmbedding->weight.device()));
    return m_tokenEmbedding(ids) + m_positionEmbedding(positions).unsqueeze(0);
}

torch::Tensor ClipTextModelImpl::forward(const torch::Tensor& ids, int clipSkip)
{
    const int layers = static_cast<int>(m_layers.size());
    const int run = layers - std::clamp(clipSkip, 1, std::max(1, layers)) + 1;
    auto h = embed(ids);
    for (int i = 0; i < run; ++i)
        h = m_layers[i](h);
    return m_finalLayerNorm(h);
}

ClipTextOutput ClipTextModelImpl::forwardWithPooled(const torch::Tensor& ids, int clipSkip)
{
    const int layers = static_cast<int>(m_layers.size());
    const int run = layers - std::clamp(clipSkip, 1, std::max(1, layers)) + 1;
    auto h = embed(ids);
    ClipTextOutput out;
    for (int i = 0; i < layers; ++i) {
        h = m_layers[i](h);
        if (i + 1 == run && run < layers)
            out.hidden = m_finalLayerNorm(h);
    }
    auto last = m_finalLayerNorm(h);
    if (!out.hidden.defined())
        out.hidden = last;
    out.pooled = pooled(ids, last);
    return out;
}

ClipTextOutput ClipTextModelImpl::forwardHidden(const torch::Tensor& ids, int clipSkip,
                                              bool withPooled)
{
    TORCH_CHECK(!withPooled || !m_textProjection.is_empty(),
                "text encoder: no text_projection for a pooled vector");
    const int layers = static_cast<int>(m_layers.size());
    const int run = layers - std::clamp(clipSkip, 1, std::max(1, layers)) + 1;
    const int total = withPooled ? layers : run;
    auto h = embed(ids);
    ClipTextOutput out;
    for (int i = 0; i < total; ++i) {
        h = m_layers[i](h);
        if (i + 1 == run)
            out.hidden = h;
    }
    if (withPooled)
        out.pooled = m_textProjection(pooled(ids, m_finalLayerNorm(h)));
    return out;
}

torch::Tensor ClipTextModelImpl::pooled(const torch::Tensor& ids,
                                        const torch::Tensor& lastHiddenState) const
{
    auto tokens = ids.to(lastHiddenState.device(), torch::kLong);
    torch::Tensor positions;
    if (m_config.eosTokenId == 2)
        positions = tokens.argmax(-1);
    else
        positions = tokens.eq(m_config.eosTokenId).to(torch::kInt).argmax(-1);
    auto rows = torch::arange(tokens.size(0), tokens.options());
    return lastHiddenState.index({rows, positions});
}

} // namespace md::nn

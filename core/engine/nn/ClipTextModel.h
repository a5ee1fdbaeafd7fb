#pragma once

// transformers' CLIPTextModel (the Stable Diffusion 1.x text encoder, and SD 2.x's OpenCLIP
// once its keys are converted): parameters "text_model.embeddings.token_embedding.weight",
// "text_model.embeddings.position_embedding.weight", "text_model.encoder.layers.N.*",
// "text_model.final_layer_norm.*". Position ids are generated (0..L-1), never loaded.

#include "engine/io/ModelConfig.h"
#include "engine/nn/ClipEncoderLayer.h"
#include "engine/nn/EmbeddingLayer.h"
#include "engine/nn/LayerNormLayer.h"
#include "engine/nn/LinearLayer.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <vector>

namespace md::nn {

struct ClipTextOutput
{
    torch::Tensor hidden; // final_layer_norm(hidden_states[-clipSkip]) [B, L, D]
    torch::Tensor pooled; // last_hidden_state at the EOS position [B, D] (forwardHidden:
                          // projected, [B, projectionDim])
};

class ClipTextModelImpl : public torch::nn::Module
{
public:
    explicit ClipTextModelImpl(const TextEncoderConfig& config);

    // ids [B, L] (any integer dtype, L <= maxPositionEmbeddings) -> final_layer_norm of the
    // output of layer (numLayers - clipSkip + 1), i.e. hidden_states[-clipSkip] in A1111's
    // meaning: 1 = the last layer (last_hidden_state), 2 = the penultimate one. clipSkip is
    // clamped to [1, numLayers]. The later layers are not run.
    torch::Tensor forward(const torch::Tensor& ids, int clipSkip = 1);

    // Both the clip-skipped states and transformers' pooled output (always taken from the
    // last layer, so all layers run).
    ClipTextOutput forwardWithPooled(const torch::Tensor& ids, int clipSkip = 1);

    // SDXL's conditioning: hidden_states[-clipSkip] WITHOUT the final layer norm (clipSkip 2
    // = the penultimate layer, SDXL's default), and when `pooled` is asked for,
    // text_projection(final_layer_norm(last layer)[EOS]) (CLIPTextModelWithProjection's
    // text_embeds; all layers run then). Needs config().hasProjection for the pooled vector.
    ClipTextOutput forwardHidden(const torch::Tensor& ids, int clipSkip, bool pooled);

    // The pooled output from a last_hidden_state: the state at the EOS token. With
    // eos_token_id == 2 (the legacy value that SD 1.x configs carry) transformers takes the
    // position of the largest id (the real EOS has the highest id of the vocabulary);
    // otherwise the first position whose id equals eos_token_id.
    torch::Tensor pooled(const torch::Tensor& ids, const torch::Tensor& lastHiddenState) const;

    const TextEncoderConfig& config() const { return m_config; }

private:
    torch::Tensor embed(const torch::Tensor& ids);

    TextEncoderConfig m_config;
    EmbeddingLayer m_tokenEmbedding{nullptr};
    EmbeddingLayer m_positionEmbedding{nullptr};
    std::vector<ClipEncoderLayer> m_layers;
    LayerNormLayer m_finalLayerNorm{nullptr};
    LinearLayer m_textProjection{nullptr}; // "text_projection" (hasProjection)
};
TORCH_MODULE(ClipTextModel);

} // namespace md::nn

#pragma once

// The architecture of a loaded checkpoint, as detected from its config files or from its
// tensor names and shapes. Field names follow the diffusers config.json keys.

#include <string>
#include <vector>

namespace md {

struct UNetConfig
{
    int inChannels = 4;
    int outChannels = 4;
    std::vector<int> blockOutChannels{320, 640, 1280, 1280};
    std::vector<bool> downBlockHasAttention{true, true, true, false}; // CrossAttnDownBlock2D?
    std::vector<bool> upBlockHasAttention{false, true, true, true};   // CrossAttnUpBlock2D?
    int layersPerBlock = 2;
    // Heads per down block (diffusers' legacy "attention_head_dim" holds head COUNTS when
    // "num_attention_heads" is null: SD 1.x 8 everywhere, SD 2.x [5, 10, 20, 20]).
    std::vector<int> numHeads{8, 8, 8, 8};
    int crossAttentionDim = 768;
    bool useLinearProjection = false; // SD 2.x: proj_in/proj_out are Linear, not 1x1 conv
    bool upcastAttention = false;
    int sampleSize = 64; // native latent size
    int normNumGroups = 32;
    double normEps = 1e-5;
    bool flipSinToCos = true;
    int freqShift = 0;
    // Transformer blocks per attention of each down level (SD 1.x/2.x 1; SDXL base
    // [1, 2, 10]); one value for all, or one per level. Up blocks mirror it (reversed),
    // the mid block uses the last level's.
    std::vector<int> transformerLayersPerBlock{1};
    bool midBlockHasAttention = true;
    // SDXL's added conditioning ("addition_embed_type": "text_time"): time_embedding(t) +
    // add_embedding(concat(pooled text, sinusoid(add_time_ids))). Empty = none (SD 1.x/2.x).
    std::string additionEmbedType;
    int additionTimeEmbedDim = 0;              // SDXL 256 (sinusoid width per time id)
    int projectionClassEmbeddingsInputDim = 0; // SDXL 2816 = 1280 pooled + 6 * 256
    bool hasTextTime() const { return additionEmbedType == "text_time"; }
    int transformerLayersAt(size_t level) const
    {
        return transformerLayersPerBlock.size() == 1 ? transformerLayersPerBlock[0]
                                                     : transformerLayersPerBlock.at(level);
    }
};

struct VaeConfig
{
    int inChannels = 3;
    int outChannels = 3;
    int latentChannels = 4;
    std::vector<int> blockOutChannels{128, 256, 512, 512};
    int layersPerBlock = 2;
    int normNumGroups = 32;
    double scalingFactor = 0.18215;
    double shiftFactor = 0.0;
    bool useQuantConv = true;
    bool usePostQuantConv = true;
    bool midBlockAddAttention = true;
    // diffusers' force_upcast (true when a config leaves it out, diffusers' default): the VAE
    // overflows in float16. Only SDXL models honour it (pipeline/VaeDtype.h), as diffusers'
    // pipelines do.
    bool forceUpcast = false;
    int sampleSize = 512;
    int scaleFactor() const { return 1 << (static_cast<int>(blockOutChannels.size()) - 1); }
};

struct TextEncoderConfig
{
    int vocabSize = 49408;
    int hiddenSize = 768;
    int intermediateSize = 3072;
    int numHiddenLayers = 12;
    int numAttentionHeads = 12;
    int maxPositionEmbeddings = 77;
    std::string hiddenAct = "quick_gelu"; // or "gelu" (OpenCLIP, SD 2.x)
    double layerNormEps = 1e-5;
    int projectionDim = 768;
    bool hasProjection = false; // text_projection present (unused for SD conditioning)
    int eosTokenId = 49407;     // pooled output is taken at the first EOS position
};

struct SchedulerConfig
{
    int numTrainTimesteps = 1000;
    double betaStart = 0.00085;
    double betaEnd = 0.012;
    std::string betaSchedule = "scaled_linear"; // or "linear"
    std::string predictionType = "epsilon";     // or "v_prediction"
    std::string timestepSpacing = "leading";    // "leading", "trailing", "linspace"
    int stepsOffset = 1;
    bool setAlphaToOne = false;
    // Rescale the betas to zero terminal SNR (Lin et al. 2024), as v-prediction SDXL
    // fine-tunes (NoobAI-v-pred) are trained and sampled.
    bool rescaleBetasZeroSnr = false;
};

// SD1 / SD2: the released families' shapes. Embedded: a model made by this project (it says
// so in its configs). Unknown: any other SD-shaped model (e.g. a sentencepiece tokenizer).
enum class ModelFamily { SD1, SD2, SDXL, Embedded, Unknown };

struct ModelConfig
{
    ModelFamily family = ModelFamily::SD1;
    UNetConfig unet;
    VaeConfig vae;
    TextEncoderConfig textEncoder;
    // SDXL: the second text encoder (OpenCLIP bigG as CLIPTextModelWithProjection); its
    // penultimate states are concatenated to the first one's, its projected EOS state is the
    // pooled vector of the added conditioning.
    bool hasTextEncoder2 = false;
    TextEncoderConfig textEncoder2;
    // model_index.json's force_zeros_for_empty_prompt (SDXL): an empty negative prompt is
    // zeros (embeddings and pooled), not the encoding of "".
    bool forceZerosForEmptyPrompt = false;
    SchedulerConfig scheduler;
    // A1111 clip skip that the model expects by default (1 = last layer). Note that for
    // SD 2.x the loader already drops OpenCLIP's last block, so its default is 1 too.
    int defaultClipSkip = 1;
};

// "SD 1.x", "SD 2.x", "SDXL", "embedded (SD-shaped, sentencepiece tokenizer)", "custom SD-shaped".
std::string familyName(ModelFamily family);

} // namespace md

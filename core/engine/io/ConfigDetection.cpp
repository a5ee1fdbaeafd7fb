#include "engine/io/ConfigDetection.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

namespace md {

namespace {

struct DetectError
{
    std::string message;
};

// Number of consecutive indices i (0, 1, ...) with some name starting `prefix` + "i.".
int countIndexed(const WeightSet& set, const std::string& prefix)
{
    std::set<int> seen;
    for (const auto& name : set.namesWithPrefix(prefix)) {
        size_t pos = prefix.size(), end = pos;
        while (end < name.size() && name[end] >= '0' && name[end] <= '9')
            ++end;
        if (end > pos && end < name.size() && name[end] == '.' && end - pos < 7)
            seen.insert(std::atoi(name.substr(pos, end - pos).c_str()));
    }
    int n = 0;
    while (seen.count(n))
        ++n;
    return n;
}

std::vector<int64_t> need(const WeightSet& set, const std::string& name, size_t rank,
                          const char* what)
{
    auto shape = set.shape(name);
    if (shape.empty())
        throw DetectError{set.component() + ": missing tensor '" + name + "' (" + what + ")"};
    if (shape.size() != rank) {
        std::ostringstream s;
        s << set.describe(name) << " has " << shape.size() << " dimensions, expected " << rank
          << " (" << what << ")";
        throw DetectError{s.str()};
    }
    return shape;
}

bool anyWithPrefix(const WeightSet& set, const std::string& prefix)
{
    return !set.namesWithPrefix(prefix).empty();
}

// The first name ending with `suffix` (names are sorted, so down_blocks come first).
std::string firstEndingWith(const WeightSet& set, const std::string& suffix)
{
    for (const auto& name : set.names())
        if (name.size() >= suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return name;
    return "";
}

template <typename T> std::string text(const std::vector<T>& v)
{
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < v.size(); ++i)
        s << (i ? ", " : "") << v[i];
    s << "]";
    return s.str();
}
std::string text(int v)
{
    return std::to_string(v);
}
std::string text(bool v)
{
    return v ? "true" : "false";
}
std::string text(const std::string& v)
{
    return "\"" + v + "\"";
}

template <typename T>
void compare(const std::string& source, const char* field, const T& config, const T& weights,
             const std::string& evidence)
{
    if (config != weights)
        throw DetectError{source + " says " + field + " " + text(config) +
                          " but the weights have " + text(weights) + " (" + evidence + ")"};
}

template <typename Fn> auto guarded(Fn fn) -> Result<decltype(fn())>
{
    try {
        return fn();
    } catch (const DetectError& e) {
        return Status::error(e.message);
    }
}

} // namespace

Result<UNetConfig> detectUNetConfig(const WeightSet& unet, std::vector<std::string>& notes)
{
    return guarded([&]() -> UNetConfig {
        UNetConfig c;
        auto convIn = need(unet, "conv_in.weight", 4, "the input convolution");
        c.inChannels = static_cast<int>(convIn[1]);
        c.outChannels = static_cast<int>(need(unet, "conv_out.weight", 4, "the output")[0]);
        const int levels = countIndexed(unet, "down_blocks.");
        const int upLevels = countIndexed(unet, "up_blocks.");
        if (levels == 0 || upLevels != levels)
            throw DetectError{"unet: " + std::to_string(levels) + " down blocks and " +
                              std::to_string(upLevels) + " up blocks; expected the same number"};
        c.blockOutChannels.clear();
        c.downBlockHasAttention.clear();
        c.upBlockHasAttention.clear();
        for (int b = 0; b < levels; ++b) {
            const std::string down = "down_blocks." + std::to_string(b) + ".";
            c.blockOutChannels.push_back(static_cast<int>(
                need(unet, down + "resnets.0.conv2.weight", 4, "a down block's width")[0]));
            c.downBlockHasAttention.push_back(anyWithPrefix(unet, down + "attentions."));
            c.upBlockHasAttention.push_back(
                anyWithPrefix(unet, "up_blocks." + std::to_string(b) + ".attentions."));
        }
        c.layersPerBlock = countIndexed(unet, "down_blocks.0.resnets.");
        c.midBlockHasAttention = anyWithPrefix(unet, "mid_block.attentions.");

        const std::string toK = firstEndingWith(unet, ".transformer_blocks.0.attn2.to_k.weight");
        if (!toK.empty()) {
            c.crossAttentionDim = static_cast<int>(need(unet, toK, 2, "cross-attention")[1]);
            const std::string attention = toK.substr(0, toK.find("transformer_blocks."));
            const auto projIn = unet.shape(attention + "proj_in.weight");
            if (projIn.size() != 2 && projIn.size() != 4)
                throw DetectError{"unet: '" + attention +
                                  "proj_in.weight' is missing or is neither a Linear nor a "
                                  "1x1 conv weight"};
            c.useLinearProjection = projIn.size() == 2;
            // Per level: the first attention of each down block (levels without one count 1).
            c.transformerLayersPerBlock.clear();
            for (size_t b = 0; b < c.blockOutChannels.size(); ++b) {
                const std::string blocks =
                    "down_blocks." + std::to_string(b) + ".attentions.0.transformer_blocks.";
                const int n = countIndexed(unet, blocks);
                c.transformerLayersPerBlock.push_back(n > 0 ? n : 1);
            }
            // The mid block uses the last level's depth (SDXL base: 10).
            const int mid = countIndexed(unet, "mid_block.attentions.0.transformer_blocks.");
            if (mid > 0 && mid != c.transformerLayersPerBlock.back())
                throw DetectError{"unet: the mid block has " + std::to_string(mid) +
                                  " transformer blocks but the last level has " +
                                  std::to_string(c.transformerLayersPerBlock.back()) +
                                  "; this reader expects the same depth (as in SDXL)"};
            bool uniform = true;
            for (int n : c.transformerLayersPerBlock)
                uniform = uniform && n == c.transformerLayersPerBlock.front();
            if (uniform)
                c.transformerLayersPerBlock.resize(1);
        } else {
            notes.push_back("unet: no cross-attention layers; cross_attention_dim left at " +
                            std::to_string(c.crossAttentionDim));
        }

        // SDXL's added conditioning: add_embedding.linear_1 [time_embed_dim, pooled + 6 * d].
        if (unet.contains("add_embedding.linear_1.weight")) {
            c.additionEmbedType = "text_time";
            c.projectionClassEmbeddingsInputDim = static_cast<int>(
                need(unet, "add_embedding.linear_1.weight", 2, "the added conditioning")[1]);
            need(unet, "add_embedding.linear_2.weight", 2, "the added conditioning");
        }

        const bool sdxlStyle = c.hasTextTime();
        const bool sd2Style = !sdxlStyle && c.useLinearProjection && c.crossAttentionDim == 1024;
        bool divisible = true;
        c.numHeads.clear();
        std::vector<int> guessedLevels;
        for (size_t b = 0; b < c.blockOutChannels.size(); ++b) {
            const int ch = c.blockOutChannels[b];
            int heads = sd2Style ? ch / 64 : 8;
            if (sdxlStyle) {
                heads = ch >= 64 && ch % 64 == 0 ? ch / 64 : (ch % 8 == 0 ? 8 : 1);
                if (ch % 64 != 0 && c.downBlockHasAttention[b])
                    guessedLevels.push_back(static_cast<int>(b));
            }
            c.numHeads.push_back(heads);
            divisible = divisible && heads > 0 && ch % heads == 0;
        }
        if (sdxlStyle) {
            if (!guessedLevels.empty())
                notes.push_back("unet: widths " + text(c.blockOutChannels) +
                                " are not all multiples of SDXL's 64-wide heads; guessed " +
                                text(c.numHeads) +
                                " heads. Put the model's unet/config.json "
                                "beside it to be sure");
        } else if (sd2Style) {
            c.upcastAttention = true;
            if (!divisible)
                throw DetectError{"unet: SD 2.x-style widths " + text(c.blockOutChannels) +
                                  " are not multiples of the 64-wide heads"};
        } else if (c.crossAttentionDim != 768) {
            notes.push_back("unet: head counts cannot be read from the weights; assumed 8 "
                            "heads per block (the SD 1.x value)");
        }
        return c;
    });
}

Status detectAddedTimeEmbedDim(UNetConfig& unet, int pooledDim)
{
    if (!unet.hasTextTime())
        return Status::ok();
    const int rest = unet.projectionClassEmbeddingsInputDim - pooledDim;
    if (pooledDim <= 0 || rest <= 0 || rest % 12 != 0)
        return Status::error(
            "unet: add_embedding.linear_1.weight takes " +
            std::to_string(unet.projectionClassEmbeddingsInputDim) +
            " inputs, which is not the pooled text vector (" + std::to_string(pooledDim) +
            ", text encoder 2's projection) plus six even-width time-id embeddings");
    unet.additionTimeEmbedDim = rest / 6;
    return Status::ok();
}

Result<VaeConfig> detectVaeConfig(const WeightSet& vae, std::vector<std::string>& notes)
{
    return guarded([&]() -> VaeConfig {
        VaeConfig c;
        c.inChannels =
            static_cast<int>(need(vae, "encoder.conv_in.weight", 4, "the encoder input")[1]);
        c.outChannels =
            static_cast<int>(need(vae, "decoder.conv_out.weight", 4, "the decoder output")[0]);
        c.latentChannels =
            static_cast<int>(need(vae, "decoder.conv_in.weight", 4, "the decoder input")[1]);
        const int levels = countIndexed(vae, "encoder.down_blocks.");
        const int upLevels = countIndexed(vae, "decoder.up_blocks.");
        if (levels == 0 || upLevels != levels)
            throw DetectError{"vae: " + std::to_string(levels) + " encoder levels and " +
                              std::to_string(upLevels) +
                              " decoder levels; expected the same number"};
        c.blockOutChannels.clear();
        for (int b = 0; b < levels; ++b)
            c.blockOutChannels.push_back(static_cast<int>(
                need(vae, "encoder.down_blocks." + std::to_string(b) + ".resnets.0.conv2.weight", 4,
                     "an encoder level's width")[0]));
        c.layersPerBlock = countIndexed(vae, "encoder.down_blocks.0.resnets.");
        c.useQuantConv = vae.contains("quant_conv.weight");
        c.usePostQuantConv = vae.contains("post_quant_conv.weight");
        c.midBlockAddAttention = anyWithPrefix(vae, "encoder.mid_block.attentions.");
        if (c.latentChannels != 4)
            notes.push_back("vae: " + std::to_string(c.latentChannels) +
                            " latent channels; scaling factor left at 0.18215 (SD value)");
        return c;
    });
}

Result<TextEncoderConfig> detectTextEncoderConfig(const WeightSet& te, bool openClip,
                                                  std::vector<std::string>& notes)
{
    return guarded([&]() -> TextEncoderConfig {
        TextEncoderConfig c;
        auto tokens =
            need(te, "text_model.embeddings.token_embedding.weight", 2, "the token embedding");
        c.vocabSize = static_cast<int>(tokens[0]);
        c.hiddenSize = static_cast<int>(tokens[1]);
        c.maxPositionEmbeddings = static_cast<int>(
            need(te, "text_model.embeddings.position_embedding.weight", 2, "the positions")[0]);
        c.numHiddenLayers = countIndexed(te, "text_model.encoder.layers.");
        if (c.numHiddenLayers == 0)
            throw DetectError{"text_encoder: no layers (text_model.encoder.layers.0.*)"};
        c.intermediateSize = static_cast<int>(
            need(te, "text_model.encoder.layers.0.mlp.fc1.weight", 2, "the MLP")[0]);
        c.hiddenAct = openClip ? "gelu" : "quick_gelu";
        c.eosTokenId = c.vocabSize - 1;
        if (te.contains("text_projection.weight")) {
            c.hasProjection = true;
            c.projectionDim = static_cast<int>(te.shape("text_projection.weight")[0]);
        } else {
            c.hasProjection = false;
            c.projectionDim = c.hiddenSize;
        }
        if (c.hiddenSize >= 512 && c.hiddenSize % 64 == 0) {
            c.numAttentionHeads = c.hiddenSize / 64;
        } else {
            c.numAttentionHeads = c.hiddenSize % 8 == 0 ? c.hiddenSize / 8 : 1;
            notes.push_back("text_encoder: width " + std::to_string(c.hiddenSize) +
                            " has no standard head count; guessed " +
                            std::to_string(c.numAttentionHeads) +
                            " heads (head_dim 8). Put the model's text_encoder/config.json "
                            "beside it to be sure");
        }
        return c;
    });
}

Status checkUNetConfig(const UNetConfig& config, const WeightSet& unet, const std::string& source)
{
    std::vector<std::string> ignored;
    auto detected = detectUNetConfig(unet, ignored);
    if (!detected)
        return detected.status().withContext(source);
    const UNetConfig& w = detected.value();
    auto result = guarded([&]() -> bool {
        compare(source, "in_channels", config.inChannels, w.inChannels, "conv_in.weight");
        compare(source, "out_channels", config.outChannels, w.outChannels, "conv_out.weight");
        compare(source, "block_out_channels", config.blockOutChannels, w.blockOutChannels,
                "down_blocks.N.resnets.0.conv2.weight");
        compare(source, "layers_per_block", config.layersPerBlock, w.layersPerBlock,
                "down_blocks.0.resnets.N");
        compare(source, "cross-attention down blocks", config.downBlockHasAttention,
                w.downBlockHasAttention, "down_blocks.N.attentions");
        compare(source, "cross-attention up blocks", config.upBlockHasAttention,
                w.upBlockHasAttention, "up_blocks.N.attentions");
        compare(source, "mid-block attention", config.midBlockHasAttention, w.midBlockHasAttention,
                "mid_block.attentions");
        compare(source, "addition_embed_type", std::string(config.additionEmbedType),
                w.additionEmbedType, "add_embedding.linear_1.weight");
        if (w.hasTextTime())
            compare(source, "projection_class_embeddings_input_dim",
                    config.projectionClassEmbeddingsInputDim, w.projectionClassEmbeddingsInputDim,
                    "add_embedding.linear_1.weight");
        if (std::find(w.downBlockHasAttention.begin(), w.downBlockHasAttention.end(), true) !=
            w.downBlockHasAttention.end()) {
            compare(source, "cross_attention_dim", config.crossAttentionDim, w.crossAttentionDim,
                    "attn2.to_k.weight");
            compare(source, "use_linear_projection", config.useLinearProjection,
                    w.useLinearProjection, "proj_in.weight rank");
            compare(source, "transformer_layers_per_block", config.transformerLayersPerBlock,
                    w.transformerLayersPerBlock, "transformer_blocks.N");
        }
        return true;
    });
    return result ? Status::ok() : result.status();
}

Status checkVaeConfig(const VaeConfig& config, const WeightSet& vae, const std::string& source)
{
    std::vector<std::string> ignored;
    auto detected = detectVaeConfig(vae, ignored);
    if (!detected)
        return detected.status().withContext(source);
    const VaeConfig& w = detected.value();
    auto result = guarded([&]() -> bool {
        compare(source, "in_channels", config.inChannels, w.inChannels, "encoder.conv_in.weight");
        compare(source, "out_channels", config.outChannels, w.outChannels,
                "decoder.conv_out.weight");
        compare(source, "latent_channels", config.latentChannels, w.latentChannels,
                "decoder.conv_in.weight");
        compare(source, "block_out_channels", config.blockOutChannels, w.blockOutChannels,
                "encoder.down_blocks.N.resnets.0.conv2.weight");
        compare(source, "layers_per_block", config.layersPerBlock, w.layersPerBlock,
                "encoder.down_blocks.0.resnets.N");
        compare(source, "use_quant_conv", config.useQuantConv, w.useQuantConv, "quant_conv.weight");
        compare(source, "use_post_quant_conv", config.usePostQuantConv, w.usePostQuantConv,
                "post_quant_conv.weight");
        compare(source, "mid_block_add_attention", config.midBlockAddAttention,
                w.midBlockAddAttention, "encoder.mid_block.attentions.0");
        return true;
    });
    return result ? Status::ok() : result.status();
}

Status checkTextEncoderConfig(const TextEncoderConfig& config, const WeightSet& te,
                              const std::string& source)
{
    std::vector<std::string> ignored;
    auto detected = detectTextEncoderConfig(te, false, ignored);
    if (!detected)
        return detected.status().withContext(source);
    const TextEncoderConfig& w = detected.value();
    auto result = guarded([&]() -> bool {
        compare(source, "vocab_size", config.vocabSize, w.vocabSize,
                "text_model.embeddings.token_embedding.weight");
        compare(source, "hidden_size", config.hiddenSize, w.hiddenSize,
                "text_model.embeddings.token_embedding.weight");
        compare(source, "max_position_embeddings", config.maxPositionEmbeddings,
                w.maxPositionEmbeddings, "text_model.embeddings.position_embedding.weight");
        compare(source, "num_hidden_layers", config.numHiddenLayers, w.numHiddenLayers,
                "text_model.encoder.layers.N");
        compare(source, "intermediate_size", config.intermediateSize, w.intermediateSize,
                "text_model.encoder.layers.0.mlp.fc1.weight");
        if (w.hasProjection)
            compare(source, "projection_dim", config.projectionDim, w.projectionDim,
                    "text_projection.weight");
        return true;
    });
    return result ? Status::ok() : result.status();
}

} // namespace md

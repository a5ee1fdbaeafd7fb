#include "engine/io/DiffusersConfig.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace md {

namespace {

using json = nlohmann::json;

struct FieldError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

bool present(const json& j, const char* key)
{
    return j.contains(key) && !j.at(key).is_null();
}

// Sane bounds for the numbers that size modules: a config outside them is refused before any
// module is built (0 groups divide by zero, huge sizes overflow the pixel arithmetic).
void requireRange(const char* key, long long value, long long lo, long long hi)
{
    if (value < lo || value > hi)
        throw FieldError(std::string("\"") + key + "\" is " + std::to_string(value) +
                         "; it must be between " + std::to_string(lo) + " and " +
                         std::to_string(hi));
}

void requireGroupsDivide(int groups, const std::vector<int>& channels)
{
    requireRange("norm_num_groups", groups, 1, 1024);
    for (int c : channels) {
        requireRange("block_out_channels", c, 1, 16384);
        if (c % groups != 0)
            throw FieldError("\"norm_num_groups\" " + std::to_string(groups) + " does not divide " +
                             std::to_string(c) + " channels");
    }
}

// An integer that fits an int: nlohmann's get<int>() would silently wrap 10000000000.
int intValue(const json& v, const char* key)
{
    if (!v.is_number_integer())
        throw FieldError(std::string("\"") + key + "\" should be an integer, got " + v.dump());
    const bool fits = v.is_number_unsigned()
                          ? v.get<uint64_t>() <= uint64_t(std::numeric_limits<int>::max())
                          : v.get<int64_t>() >= std::numeric_limits<int>::min() &&
                                v.get<int64_t>() <= std::numeric_limits<int>::max();
    if (!fits)
        throw FieldError(std::string("\"") + key + "\" is " + v.dump() +
                         ", far outside any valid value");
    return static_cast<int>(v.get<int64_t>());
}

int getInt(const json& j, const char* key, int fallback)
{
    if (!present(j, key))
        return fallback;
    return intValue(j.at(key), key);
}

double getDouble(const json& j, const char* key, double fallback)
{
    if (!present(j, key))
        return fallback;
    const json& v = j.at(key);
    if (!v.is_number())
        throw FieldError(std::string("\"") + key + "\" should be a number, got " + v.dump());
    return v.get<double>();
}

bool getBool(const json& j, const char* key, bool fallback)
{
    if (!present(j, key))
        return fallback;
    const json& v = j.at(key);
    if (!v.is_boolean())
        throw FieldError(std::string("\"") + key + "\" should be true or false, got " + v.dump());
    return v.get<bool>();
}

std::string getString(const json& j, const char* key, const std::string& fallback)
{
    if (!present(j, key))
        return fallback;
    const json& v = j.at(key);
    if (!v.is_string())
        throw FieldError(std::string("\"") + key + "\" should be a string, got " + v.dump());
    return v.get<std::string>();
}

// An int or a list of ints; an int is repeated `count` times.
std::vector<int> getIntList(const json& j, const char* key, size_t count,
                            const std::vector<int>& fallback)
{
    if (!present(j, key))
        return fallback;
    const json& v = j.at(key);
    if (v.is_number_integer())
        return std::vector<int>(std::min<size_t>(count, 64), intValue(v, key));
    if (!v.is_array())
        throw FieldError(std::string("\"") + key + "\" should be an integer or a list, got " +
                         v.dump());
    if (v.size() > 64)
        throw FieldError(std::string("\"") + key + "\" has " + std::to_string(v.size()) +
                         " entries; at most 64 are supported");
    std::vector<int> out;
    for (const json& e : v) {
        if (!e.is_number_integer())
            throw FieldError(std::string("\"") + key + "\" should hold integers, got " +
                             v.dump().substr(0, 200));
        out.push_back(intValue(e, key));
    }
    return out;
}

std::vector<std::string> getStringList(const json& j, const char* key)
{
    std::vector<std::string> out;
    if (!present(j, key))
        return out;
    const json& v = j.at(key);
    if (!v.is_array())
        throw FieldError(std::string("\"") + key + "\" should be a list, got " + v.dump());
    for (const json& e : v) {
        if (!e.is_string())
            throw FieldError(std::string("\"") + key + "\" should hold strings, got " + v.dump());
        out.push_back(e.get<std::string>());
    }
    return out;
}

// A list that must hold one value (diffusers allows per-block values for a few fields
// that SD models never vary).
int getUniformInt(const json& j, const char* key, int fallback)
{
    auto values = getIntList(j, key, 1, {fallback});
    for (int v : values)
        if (v != values.front())
            throw FieldError(std::string("\"") + key +
                             "\" varies per block, which is not supported");
    return values.empty() ? fallback : values.front();
}

template <typename Fn> auto guarded(const std::string& source, Fn fn) -> Result<decltype(fn())>
{
    try {
        return fn();
    } catch (const FieldError& e) {
        return Status::error(source + ": " + e.what());
    } catch (const std::exception& e) {
        return Status::error(source + ": " + e.what());
    }
}

} // namespace

Result<nlohmann::json> readJsonFile(const std::string& path)
{
    struct stat st
    {
    };
    if (stat(path.c_str(), &st) != 0)
        return Status::error(path + " is missing");
    if (!S_ISREG(st.st_mode))
        return Status::error(path + " is not a file");
    if (st.st_size > 16 * 1024 * 1024)
        return Status::error(path + " is too large for a config file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status::error(path + ": cannot open");
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        return json::parse(buffer.str());
    } catch (const std::exception& e) {
        return Status::error(path + ": not valid JSON: " + e.what());
    }
}

Result<UNetConfig> unetConfigFromJson(const nlohmann::json& j, const std::string& source)
{
    return guarded(source, [&]() -> UNetConfig {
        if (!j.is_object())
            throw FieldError("not a JSON object");
        for (const char* unsupported : {"class_embed_type", "encoder_hid_dim", "time_cond_proj_dim",
                                        "num_class_embeds", "reverse_transformer_layers_per_block"})
            if (present(j, unsupported))
                throw FieldError(std::string("\"") + unsupported + "\" is set (" +
                                 j.at(unsupported).dump() +
                                 "): this UNet variant (class-conditioned or LCM-distilled) "
                                 "is not supported");
        UNetConfig c;
        c.inChannels = getInt(j, "in_channels", 4);
        c.outChannels = getInt(j, "out_channels", 4);
        c.blockOutChannels = getIntList(j, "block_out_channels", 1, c.blockOutChannels);
        const size_t blocks = c.blockOutChannels.size();
        requireRange("block_out_channels (number of blocks)", static_cast<long long>(blocks), 1, 8);
        auto down = getStringList(j, "down_block_types");
        auto up = getStringList(j, "up_block_types");
        if (!down.empty()) {
            c.downBlockHasAttention.clear();
            for (const auto& t : down)
                c.downBlockHasAttention.push_back(t.find("CrossAttn") != std::string::npos);
        }
        if (!up.empty()) {
            c.upBlockHasAttention.clear();
            for (const auto& t : up)
                c.upBlockHasAttention.push_back(t.find("CrossAttn") != std::string::npos);
        }
        if (c.downBlockHasAttention.size() != blocks || c.upBlockHasAttention.size() != blocks)
            throw FieldError("down_block_types / up_block_types do not have one entry per "
                             "block_out_channels entry (" +
                             std::to_string(blocks) + ")");
        c.layersPerBlock = getUniformInt(j, "layers_per_block", 2);
        // diffusers: num_attention_heads = num_attention_heads or attention_head_dim, where
        // the legacy attention_head_dim holds the head COUNT.
        const char* headsKey =
            present(j, "num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
        c.numHeads = getIntList(j, headsKey, blocks, std::vector<int>(blocks, 8));
        if (c.numHeads.size() != blocks)
            throw FieldError(std::string("\"") + headsKey + "\" has " +
                             std::to_string(c.numHeads.size()) + " entries for " +
                             std::to_string(blocks) + " blocks");
        for (size_t b = 0; b < blocks; ++b)
            requireRange(headsKey, c.numHeads[b], 1, 1024);
        for (size_t b = 0; b < blocks; ++b)
            if (c.numHeads[b] <= 0 || c.blockOutChannels[b] % c.numHeads[b] != 0)
                throw FieldError(std::string("\"") + headsKey + "\" " +
                                 std::to_string(c.numHeads[b]) + " does not divide " +
                                 std::to_string(c.blockOutChannels[b]) + " channels");
        c.crossAttentionDim = getUniformInt(j, "cross_attention_dim", 768);
        c.useLinearProjection = getBool(j, "use_linear_projection", false);
        c.upcastAttention = getBool(j, "upcast_attention", false);
        c.sampleSize = getInt(j, "sample_size", 64);
        c.normNumGroups = getInt(j, "norm_num_groups", 32);
        c.normEps = getDouble(j, "norm_eps", 1e-5);
        if (!std::isfinite(c.normEps) || c.normEps < 0.0 || c.normEps >= 1.0)
            throw FieldError("\"norm_eps\" must be at least 0 and below 1");
        c.flipSinToCos = getBool(j, "flip_sin_to_cos", true);
        c.freqShift = getInt(j, "freq_shift", 0);
        c.transformerLayersPerBlock = getIntList(j, "transformer_layers_per_block", 1, {1});
        if (c.transformerLayersPerBlock.size() != 1 && c.transformerLayersPerBlock.size() != blocks)
            throw FieldError("\"transformer_layers_per_block\" has " +
                             std::to_string(c.transformerLayersPerBlock.size()) + " entries for " +
                             std::to_string(blocks) + " blocks");
        bool uniformLayers = true;
        for (int n : c.transformerLayersPerBlock)
            uniformLayers = uniformLayers && n == c.transformerLayersPerBlock.front();
        if (uniformLayers)
            c.transformerLayersPerBlock.resize(1);
        c.additionEmbedType = getString(j, "addition_embed_type", "");
        if (!c.additionEmbedType.empty() && c.additionEmbedType != "text_time")
            throw FieldError("\"addition_embed_type\" \"" + c.additionEmbedType +
                             "\" is not supported (only SDXL's \"text_time\")");
        c.additionTimeEmbedDim = getInt(j, "addition_time_embed_dim", 0);
        c.projectionClassEmbeddingsInputDim = getInt(j, "projection_class_embeddings_input_dim", 0);
        if (c.hasTextTime()) {
            requireRange("addition_time_embed_dim", c.additionTimeEmbedDim, 2, 4096);
            if (c.additionTimeEmbedDim % 2 != 0)
                throw FieldError("\"addition_time_embed_dim\" must be even");
            requireRange("projection_class_embeddings_input_dim",
                         c.projectionClassEmbeddingsInputDim, 6 * c.additionTimeEmbedDim + 1,
                         65536);
        }
        const std::string mid = getString(j, "mid_block_type", "UNetMidBlock2DCrossAttn");
        c.midBlockHasAttention = mid.find("CrossAttn") != std::string::npos;
        requireRange("in_channels", c.inChannels, 1, 64);
        requireRange("out_channels", c.outChannels, 1, 64);
        requireRange("layers_per_block", c.layersPerBlock, 1, 16);
        requireRange("cross_attention_dim", c.crossAttentionDim, 1, 16384);
        requireRange("sample_size", c.sampleSize, 1, 1024);
        for (int layers : c.transformerLayersPerBlock)
            requireRange("transformer_layers_per_block", layers, 1, 64);
        requireGroupsDivide(c.normNumGroups, c.blockOutChannels);
        return c;
    });
}

Result<VaeConfig> vaeConfigFromJson(const nlohmann::json& j, const std::string& source)
{
    return guarded(source, [&]() -> VaeConfig {
        if (!j.is_object())
            throw FieldError("not a JSON object");
        VaeConfig c;
        c.inChannels = getInt(j, "in_channels", 3);
        c.outChannels = getInt(j, "out_channels", 3);
        c.latentChannels = getInt(j, "latent_channels", 4);
        c.blockOutChannels = getIntList(j, "block_out_channels", 1, c.blockOutChannels);
        c.layersPerBlock = getInt(j, "layers_per_block", 2);
        c.normNumGroups = getInt(j, "norm_num_groups", 32);
        c.scalingFactor = getDouble(j, "scaling_factor", 0.18215);
        c.shiftFactor = getDouble(j, "shift_factor", 0.0);
        c.useQuantConv = getBool(j, "use_quant_conv", true);
        c.usePostQuantConv = getBool(j, "use_post_quant_conv", true);
        c.midBlockAddAttention = getBool(j, "mid_block_add_attention", true);
        c.forceUpcast = getBool(j, "force_upcast", true); // diffusers' AutoencoderKL default
        c.sampleSize = getUniformInt(j, "sample_size", 512);
        requireRange("block_out_channels (number of blocks)",
                     static_cast<long long>(c.blockOutChannels.size()), 1, 8);
        requireRange("in_channels", c.inChannels, 1, 64);
        requireRange("out_channels", c.outChannels, 1, 64);
        requireRange("latent_channels", c.latentChannels, 1, 64);
        requireRange("layers_per_block", c.layersPerBlock, 1, 16);
        requireRange("sample_size", c.sampleSize, 1, 16384);
        requireGroupsDivide(c.normNumGroups, c.blockOutChannels);
        if (!std::isfinite(c.scalingFactor) || c.scalingFactor <= 0.0)
            throw FieldError("\"scaling_factor\" must be a positive number, got " +
                             std::to_string(c.scalingFactor));
        if (!std::isfinite(c.shiftFactor))
            throw FieldError("\"shift_factor\" must be finite");
        return c;
    });
}

Result<TextEncoderConfig> textEncoderConfigFromJson(const nlohmann::json& j,
                                                    const std::string& source)
{
    return guarded(source, [&]() -> TextEncoderConfig {
        if (!j.is_object())
            throw FieldError("not a JSON object");
        // A full CLIPConfig nests the text tower under "text_config".
        const json& t = (j.contains("text_config") && j.at("text_config").is_object())
                            ? j.at("text_config")
                            : j;
        TextEncoderConfig c;
        c.vocabSize = getInt(t, "vocab_size", 49408);
        c.hiddenSize = getInt(t, "hidden_size", 512);
        c.intermediateSize = getInt(t, "intermediate_size", 2048);
        c.numHiddenLayers = getInt(t, "num_hidden_layers", 12);
        c.numAttentionHeads = getInt(t, "num_attention_heads", 8);
        c.maxPositionEmbeddings = getInt(t, "max_position_embeddings", 77);
        c.hiddenAct = getString(t, "hidden_act", "quick_gelu");
        c.layerNormEps = getDouble(t, "layer_norm_eps", 1e-5);
        c.projectionDim = getInt(t, "projection_dim", 512);
        c.eosTokenId = getInt(t, "eos_token_id", 2);
        if (c.eosTokenId == 2)
            c.eosTokenId = c.vocabSize - 1;
        requireRange("vocab_size", c.vocabSize, 2, 1 << 20);
        requireRange("hidden_size", c.hiddenSize, 1, 16384);
        requireRange("intermediate_size", c.intermediateSize, 1, 65536);
        requireRange("num_hidden_layers", c.numHiddenLayers, 1, 128);
        requireRange("num_attention_heads", c.numAttentionHeads, 1, 1024);
        requireRange("max_position_embeddings", c.maxPositionEmbeddings, 2, 8192);
        requireRange("projection_dim", c.projectionDim, 1, 16384);
        if (!std::isfinite(c.layerNormEps) || c.layerNormEps < 0.0 || c.layerNormEps >= 1.0)
            throw FieldError("\"layer_norm_eps\" must be at least 0 and below 1");
        if (c.numAttentionHeads <= 0 || c.hiddenSize % c.numAttentionHeads != 0)
            throw FieldError("num_attention_heads " + std::to_string(c.numAttentionHeads) +
                             " does not divide hidden_size " + std::to_string(c.hiddenSize));
        if (c.hiddenAct != "quick_gelu" && c.hiddenAct != "gelu")
            throw FieldError("hidden_act \"" + c.hiddenAct +
                             "\" is not supported (quick_gelu or gelu)");
        return c;
    });
}

Result<SchedulerConfig> schedulerConfigFromJson(const nlohmann::json& j, const std::string& source)
{
    return guarded(source, [&]() -> SchedulerConfig {
        if (!j.is_object())
            throw FieldError("not a JSON object");
        SchedulerConfig c; // missing keys keep the SD values
        c.numTrainTimesteps = getInt(j, "num_train_timesteps", c.numTrainTimesteps);
        c.betaStart = getDouble(j, "beta_start", c.betaStart);
        c.betaEnd = getDouble(j, "beta_end", c.betaEnd);
        c.betaSchedule = getString(j, "beta_schedule", c.betaSchedule);
        c.predictionType = getString(j, "prediction_type", c.predictionType);
        c.timestepSpacing = getString(j, "timestep_spacing", c.timestepSpacing);
        c.stepsOffset = getInt(j, "steps_offset", c.stepsOffset);
        c.setAlphaToOne = getBool(j, "set_alpha_to_one", c.setAlphaToOne);
        c.rescaleBetasZeroSnr = getBool(j, "rescale_betas_zero_snr", c.rescaleBetasZeroSnr);
        if (present(j, "trained_betas"))
            throw FieldError("\"trained_betas\" is not supported");
        if (c.betaSchedule != "scaled_linear" && c.betaSchedule != "linear")
            throw FieldError("beta_schedule \"" + c.betaSchedule +
                             "\" is not supported (scaled_linear or linear)");
        if (c.predictionType != "epsilon" && c.predictionType != "v_prediction")
            throw FieldError("prediction_type \"" + c.predictionType +
                             "\" is not supported (epsilon or v_prediction)");
        if (c.timestepSpacing != "leading" && c.timestepSpacing != "trailing" &&
            c.timestepSpacing != "linspace")
            throw FieldError("timestep_spacing \"" + c.timestepSpacing + "\" is not supported");
        if (c.numTrainTimesteps <= 0)
            throw FieldError("num_train_timesteps must be positive");
        requireRange("num_train_timesteps", c.numTrainTimesteps, 1, 100000);
        if (!(std::isfinite(c.betaStart) && std::isfinite(c.betaEnd) && c.betaStart > 0.0 &&
              c.betaStart <= c.betaEnd && c.betaEnd < 1.0))
            throw FieldError("beta_start " + std::to_string(c.betaStart) + " and beta_end " +
                             std::to_string(c.betaEnd) +
                             " must satisfy 0 < beta_start <= beta_end < 1");
        return c;
    });
}

} // namespace md

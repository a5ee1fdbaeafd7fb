#include "engine/io/ConfigBounds.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace md {

namespace {

struct BoundsError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

void range(const std::string& key, long long value, long long lo, long long hi)
{
    if (value < lo || value > hi)
        throw BoundsError(key + " is " + std::to_string(value) + "; it must be between " +
                          std::to_string(lo) + " and " + std::to_string(hi));
}

void positiveFinite(const std::string& key, double value, double hi)
{
    if (!std::isfinite(value) || value <= 0.0 || value > hi)
        throw BoundsError(key + " is " + std::to_string(value) +
                          "; it must be a positive number no larger than " + std::to_string(hi));
}

void levels(const std::string& component, const std::vector<int>& channels, int groups)
{
    range(component + " block count (block_out_channels entries)",
          static_cast<long long>(channels.size()), 1, kMaxConfigLevels);
    range(component + " norm_num_groups", groups, 1, kMaxConfigGroups);
    for (int c : channels) {
        range(component + " block_out_channels entry", c, 1, kMaxConfigChannels);
        if (c % groups != 0)
            throw BoundsError(component + " norm_num_groups " + std::to_string(groups) +
                              " does not divide a block of " + std::to_string(c) + " channels");
    }
}

void unet(const UNetConfig& c)
{
    levels("unet", c.blockOutChannels, c.normNumGroups);
    const size_t blocks = c.blockOutChannels.size();
    if (c.downBlockHasAttention.size() != blocks || c.upBlockHasAttention.size() != blocks)
        throw BoundsError("unet: down/up block types do not have one entry per block");
    range("unet in_channels", c.inChannels, 1, 64);
    range("unet out_channels", c.outChannels, 1, 64);
    range("unet layers_per_block", c.layersPerBlock, 1, 16);
    range("unet cross_attention_dim", c.crossAttentionDim, 1, kMaxConfigChannels);
    range("unet sample_size", c.sampleSize, 1, kMaxConfigSampleSize);
    if (c.numHeads.size() != blocks)
        throw BoundsError("unet: " + std::to_string(c.numHeads.size()) + " head counts for " +
                          std::to_string(blocks) + " blocks");
    for (size_t b = 0; b < blocks; ++b) {
        range("unet attention heads", c.numHeads[b], 1, kMaxConfigHeads);
        if (c.blockOutChannels[b] % c.numHeads[b] != 0)
            throw BoundsError("unet: " + std::to_string(c.numHeads[b]) +
                              " attention heads do not divide a block of " +
                              std::to_string(c.blockOutChannels[b]) + " channels");
    }
    if (c.transformerLayersPerBlock.size() != 1 && c.transformerLayersPerBlock.size() != blocks)
        throw BoundsError("unet: transformer_layers_per_block has " +
                          std::to_string(c.transformerLayersPerBlock.size()) + " entries for " +
                          std::to_string(blocks) + " blocks");
    for (int n : c.transformerLayersPerBlock)
        range("unet transformer_layers_per_block", n, 1, 64);
    if (!std::isfinite(c.normEps) || c.normEps < 0.0 || c.normEps >= 1.0)
        throw BoundsError("unet norm_eps " + std::to_string(c.normEps) +
                          " must be at least 0 and below 1");
    if (c.hasTextTime()) {
        range("unet addition_time_embed_dim", c.additionTimeEmbedDim, 2, 4096);
        range("unet projection_class_embeddings_input_dim", c.projectionClassEmbeddingsInputDim,
              6LL * c.additionTimeEmbedDim + 1, 65536);
    }
}

void vae(const VaeConfig& c)
{
    levels("vae", c.blockOutChannels, c.normNumGroups);
    range("vae in_channels", c.inChannels, 1, 64);
    range("vae out_channels", c.outChannels, 1, 64);
    range("vae latent_channels", c.latentChannels, 1, 64);
    range("vae layers_per_block", c.layersPerBlock, 1, 16);
    positiveFinite("vae scaling_factor", c.scalingFactor, 1000.0);
    if (!std::isfinite(c.shiftFactor))
        throw BoundsError("vae shift_factor must be finite");
}

void text(const std::string& component, const TextEncoderConfig& c)
{
    range(component + " vocab_size", c.vocabSize, 2, kMaxConfigVocab);
    range(component + " hidden_size", c.hiddenSize, 1, kMaxConfigChannels);
    range(component + " intermediate_size", c.intermediateSize, 1, 4 * kMaxConfigChannels);
    range(component + " num_hidden_layers", c.numHiddenLayers, 1, kMaxConfigLayers);
    range(component + " num_attention_heads", c.numAttentionHeads, 1, kMaxConfigHeads);
    if (c.hiddenSize % c.numAttentionHeads != 0)
        throw BoundsError(component + " num_attention_heads " +
                          std::to_string(c.numAttentionHeads) + " does not divide hidden_size " +
                          std::to_string(c.hiddenSize));
    range(component + " max_position_embeddings", c.maxPositionEmbeddings, 2, kMaxConfigPositions);
    range(component + " projection_dim", c.projectionDim, 1, kMaxConfigChannels);
    range(component + " eos_token_id", c.eosTokenId, 0, c.vocabSize - 1);
    if (!std::isfinite(c.layerNormEps) || c.layerNormEps < 0.0 || c.layerNormEps >= 1.0)
        throw BoundsError(component + " layer_norm_eps " + std::to_string(c.layerNormEps) +
                          " must be at least 0 and below 1");
}

void scheduler(const SchedulerConfig& c)
{
    range("scheduler num_train_timesteps", c.numTrainTimesteps, 1, kMaxConfigTimesteps);
    range("scheduler steps_offset", c.stepsOffset, 0, c.numTrainTimesteps - 1);
    if (!(std::isfinite(c.betaStart) && std::isfinite(c.betaEnd) && c.betaStart > 0.0 &&
          c.betaStart <= c.betaEnd && c.betaEnd < 1.0))
        throw BoundsError("scheduler beta_start " + std::to_string(c.betaStart) + " and beta_end " +
                          std::to_string(c.betaEnd) +
                          " must satisfy 0 < beta_start <= beta_end < 1");
}

// The UNet's input and output against the VAE's latents: it predicts noise of the latent's
// shape, and takes the latents alone (text to image) or, for an inpainting model, the
// latents, the mask (1 channel) and the masked image's latents (SD 1.5 / SDXL inpainting:
// 4 + 1 + 4 = 9). Nothing else is a model the pipeline can feed.
void unetAgainstLatents(const UNetConfig& u, const VaeConfig& v)
{
    const int latent = v.latentChannels;
    if (u.outChannels != latent)
        throw BoundsError("unet out_channels is " + std::to_string(u.outChannels) +
                          " but the vae has " + std::to_string(latent) +
                          " latent channels; they must be equal");
    if (u.inChannels != latent && u.inChannels != 2 * latent + 1)
        throw BoundsError("unet in_channels is " + std::to_string(u.inChannels) + "; with " +
                          std::to_string(latent) + " latent channels it must be " +
                          std::to_string(latent) + " (a text-to-image model) or " +
                          std::to_string(2 * latent + 1) +
                          " (an inpainting model: latents, mask and masked-image latents)");
}

} // namespace

Status checkConfigBounds(const ModelConfig& config, const std::string& source)
{
    try {
        unet(config.unet);
        vae(config.vae);
        text("text_encoder", config.textEncoder);
        if (config.hasTextEncoder2)
            text("text_encoder_2", config.textEncoder2);
        scheduler(config.scheduler);
        unetAgainstLatents(config.unet, config.vae);
        // The native image size in pixels: sample_size x the VAE factor.
        range("the native image size (unet sample_size x vae factor)",
              static_cast<long long>(config.unet.sampleSize) * config.vae.scaleFactor(), 8, 16384);
    } catch (const BoundsError& e) {
        return Status::error(source + ": " + e.what() +
                             " (the model's configuration is corrupt or not supported)");
    }
    return Status::ok();
}

} // namespace md

#pragma once

// A loaded Stable-Diffusion-family model: the networks on their device and dtype (SDXL: two
// text encoders), the tokenizers, the scheduler config and the resolved options (prediction type,
// clip skip). Its calls take and return float32 tensors whatever the working dtype; the casts
// happen here. Not thread-safe: one generation at a time.

#include "engine/EngineTypes.h"
#include "engine/Status.h"
#include "engine/io/ModelConfig.h"
#include "engine/nn/AutoencoderKL.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"
#include "engine/sampling/Conditioning.h"
#include "engine/text/Tokenizer.h"

#include <memory>
#include <string>
#include <torch/types.h>
#include <utility>
#include <vector>

namespace md {

class Rng;

class StableDiffusionModel
{
public:
    // Loads weights, tokenizer and configs (a diffusers folder or a single .safetensors).
    // Errors name the file and what is wrong; no exception escapes.
    static Result<std::shared_ptr<StableDiffusionModel>>
    load(const ModelOptions& options, const LoadProgressFn& onProgress = {});

    // Only the tokenizer of a checkpoint (headers and tokenizer files are read, no weights).
    static Result<std::shared_ptr<const Tokenizer>> loadTokenizerOnly(const ModelOptions& options);

    // The architecture as (label, value) lines.
    std::vector<std::pair<std::string, std::string>> describe() const;

    const ModelConfig& config() const { return m_config; }
    const ModelInfo& info() const { return m_info; }
    const Tokenizer& tokenizer() const { return *m_tokenizer; }
    std::shared_ptr<const Tokenizer> tokenizerPtr() const { return m_tokenizer; }
    // SDXL: text_encoder_2 and its tokenizer (null / absent otherwise).
    bool isSdxl() const { return m_config.hasTextEncoder2; }
    const Tokenizer* tokenizer2() const { return m_tokenizer2.get(); }
    const torch::Device& device() const { return m_device; }
    torch::Dtype dtype() const { return m_dtype; } // UNet and text encoder
    // float16 for an fp16 model on a GPU unless its VAE must upcast (VaeDtype.h), else float32
    torch::Dtype vaeDtype() const { return m_vaeDtype; }
    PredictionType prediction() const { return m_prediction; } // never Auto
    int clipSkip() const { return m_clipSkip; }                // A1111 meaning, >= 1
    int vaeScaleFactor() const { return m_config.vae.scaleFactor(); }
    // The latents' channels (the VAE's; the UNet predicts that many).
    int latentChannels() const { return m_config.vae.latentChannels; }
    // An inpainting model (SD 1.5 / SDXL inpainting): its UNet takes 2 * latentChannels() + 1
    // input channels, cat([scaled latents, mask, masked-image latents], 1); the denoisers
    // append the extra ones (see pipeline/InpaintChannels.h).
    bool isInpainting() const { return m_config.unet.inChannels == 2 * latentChannels() + 1; }
    int unetInChannels() const { return m_config.unet.inChannels; }
    const std::vector<std::string>& notes() const { return m_notes; }

    // ids [B, L] (int64) -> text states [B, L, D] (float32, on device), with the model's
    // clip skip: SD 1.x/2.x final_layer_norm(hidden_states[-clipSkip]); SDXL's first encoder
    // hidden_states[-clipSkip] (no final norm).
    torch::Tensor encodeTokens(const torch::Tensor& ids);
    // SDXL's second encoder: hidden_states[-clipSkip] [B, L, D2] and, when asked, the pooled
    // vector (text_projection of the EOS state) [B, P]; float32 on device.
    TextEncoding encodeTokens2(const torch::Tensor& ids, bool withPooled);
    // One UNet call: sample [B, unetInChannels(), h, w], timestep [B] (any floating/integer
    // dtype), context [B, L, D] (+ SDXL's pooled [B, P] and time ids [B, 6]) -> output
    // [B, latentChannels(), h, w] float32 on device. A sample of the wrong width (e.g. bare
    // latents for an inpainting model) throws a message that says what the model takes.
    torch::Tensor unet(const torch::Tensor& sample, const torch::Tensor& timestep,
                       const UNetConditioning& conditioning);
    torch::Tensor unet(const torch::Tensor& sample, const torch::Tensor& timestep,
                       const torch::Tensor& context)
    {
        return unet(sample, timestep, UNetConditioning{context, {}, {}});
    }
    // Scaled latents (UNet space) -> image [B, 3, H, W] in [-1, 1], unclamped, float32.
    torch::Tensor decode(const torch::Tensor& latents);
    // Image [B, 3, H, W] in [-1, 1] -> scaled latents of the encoder's mean (float32).
    torch::Tensor encodeMean(const torch::Tensor& image);
    // Image [1, 3, H, W] in [-1, 1] -> scaled latents of a sample of the encoder's posterior,
    // mean + std * randn (diffusers' latent_dist.sample(generator): one randn of the latent
    // shape [1, C, H/f, W/f] from `rng`), float32 on device.
    torch::Tensor encodeSample(const torch::Tensor& image, Rng& rng);
    // Image [B, 3, H, W] in [-1, 1] -> the encoder's posterior in the SCALED latent space
    // (float32 on device): mean' = (mean - shiftFactor) * scalingFactor, std' = std *
    // scalingFactor, so mean' + std' * randn is diffusers' scaling_factor *
    // vae.encode(image).latent_dist.sample(generator). One call, no tiling (see
    // ModelSession::encodeImage for large images).
    nn::LatentDistribution encodeDistribution(const torch::Tensor& image);

    nn::UNet2DConditionModel& unetModule() { return m_unet; }
    nn::AutoencoderKL& vaeModule() { return m_vae; }
    nn::ClipTextModel& textModule() { return m_text; }
    nn::ClipTextModel& text2Module() { return m_text2; }

private:
    StableDiffusionModel() = default;

    ModelConfig m_config;
    ModelInfo m_info;
    std::shared_ptr<const Tokenizer> m_tokenizer;
    std::shared_ptr<const Tokenizer> m_tokenizer2;
    torch::Device m_device{torch::kCPU};
    torch::Dtype m_dtype = torch::kFloat32;
    torch::Dtype m_vaeDtype = torch::kFloat32;
    PredictionType m_prediction = PredictionType::Epsilon;
    int m_clipSkip = 1;
    std::vector<std::string> m_notes;
    nn::UNet2DConditionModel m_unet{nullptr};
    nn::AutoencoderKL m_vae{nullptr};
    nn::ClipTextModel m_text{nullptr};
    nn::ClipTextModel m_text2{nullptr};
};

} // namespace md

#pragma once

// A loaded tiny autoencoder decoder (TAESD / TAESDXL) for a model: per-step previews and
// live frames at full size for a fraction of the VAE's cost (the linear preview stays the
// fallback). Loading refuses a decoder for another latent space shape (channels) or scale
// with a message naming the file; the caller keeps the linear preview then.
//
// Decodes run on the model's device; in float16 on a GPU when the model runs in half
// precision (TAESD is trained to be fp16-safe), float32 on the CPU.

#include "engine/EngineTypes.h"
#include "engine/Status.h"
#include "engine/nn/TinyAutoencoderDecoder.h"

#include <memory>
#include <string>
#include <torch/types.h>

namespace md {

class TinyPreviewDecoder
{
public:
    // `path`: an AutoencoderTiny folder or a TAESD .safetensors decoder file;
    // latentChannels / scaleFactor: the model's (its VAE's).
    static Result<std::shared_ptr<TinyPreviewDecoder>> load(const std::string& path,
                                                            int latentChannels, int scaleFactor,
                                                            const torch::Device& device,
                                                            torch::Dtype dtype);

    const std::string& path() const { return m_path; }
    // e.g. "TAESD decoder file, 1.22 M parameters, float32 on cpu:
    // /models/taesd_decoder.safetensors"
    std::string description() const;
    int scaleFactor() const { return m_decoder->config().scaleFactor(); }

    // Scaled latents [B, C, h, w] (UNet space, any dtype or device) -> image [B, 3, f*h, f*w]
    // in [-1, 1] (the VAE decoder's range, so tensorToRgb applies), float32 on the device.
    torch::Tensor decode(const torch::Tensor& latents) const;
    // x0 [1, C, h, w] -> 8-bit RGB of f*h x f*w pixels.
    RgbImage preview(const torch::Tensor& x0) const;

private:
    TinyPreviewDecoder() = default;

    std::string m_path;
    std::string m_format;
    torch::Device m_device{torch::kCPU};
    torch::Dtype m_dtype = torch::kFloat32;
    int64_t m_parameters = 0;
    nn::TinyAutoencoderDecoder m_decoder{nullptr};
};

} // namespace md

#include "engine/pipeline/TinyPreviewDecoder.h"

#include "engine/io/TinyDecoderWeights.h"
#include "engine/nn/ParameterInit.h"
#include "engine/nn/WeightLoading.h"
#include "engine/pipeline/DeviceSelection.h"
#include "engine/preview/LatentPreviewer.h"

#include <cstdio>
#include <torch/torch.h>

namespace md {

Result<std::shared_ptr<TinyPreviewDecoder>>
TinyPreviewDecoder::load(const std::string& path, int latentChannels, int scaleFactor,
                         const torch::Device& device, torch::Dtype dtype)
{
    auto weights = readTinyDecoderWeights(path);
    if (!weights)
        return weights.status();
    const TinyDecoderConfig& config = weights->config;
    if (config.latentChannels != latentChannels)
        return Status::error(weights->path + " decodes " + std::to_string(config.latentChannels) +
                             "-channel latents but the model's have " +
                             std::to_string(latentChannels) +
                             ": it is a tiny decoder for another model family (SD 1.x/2.x take "
                             "taesd_decoder.safetensors, SDXL taesdxl_decoder.safetensors)");
    if (config.scaleFactor() != scaleFactor || config.outChannels != 3)
        return Status::error(weights->path + " upsamples " + std::to_string(config.scaleFactor()) +
                             "x to " + std::to_string(config.outChannels) +
                             " channels but the model's VAE "
                             "makes RGB at " +
                             std::to_string(scaleFactor) +
                             "x: it is not a tiny decoder for this model");
    std::shared_ptr<TinyPreviewDecoder> out(new TinyPreviewDecoder());
    out->m_path = path;
    out->m_format = weights->format;
    out->m_device = device;
    out->m_dtype = dtype;
    {
        nn::SkipParameterInit skip;
        out->m_decoder = nn::TinyAutoencoderDecoder(config);
    }
    nn::WeightLoadReport report;
    if (auto s = nn::loadWeights(*out->m_decoder, weights->weights, "preview decoder", dtype,
                                 device, &report);
        !s)
        return s;
    out->m_decoder->eval();
    out->m_parameters = weights->weights.parameterCount();
    return out;
}

std::string TinyPreviewDecoder::description() const
{
    char count[32];
    std::snprintf(count, sizeof count, "%.2f M", static_cast<double>(m_parameters) / 1e6);
    return m_format + ", " + count + " parameters, " + dtypeName(m_dtype) + " on " +
           m_device.str() + ": " + m_path;
}

torch::Tensor TinyPreviewDecoder::decode(const torch::Tensor& latents) const
{
    torch::NoGradGuard noGrad;
    auto image = m_decoder->forward(latents.to(m_device, m_dtype));
    return image.to(torch::kFloat32).clamp(0.0, 1.0).mul(2.0).sub(1.0);
}

RgbImage TinyPreviewDecoder::preview(const torch::Tensor& x0) const
{
    return tensorToRgb(decode(x0));
}

} // namespace md

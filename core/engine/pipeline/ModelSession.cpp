#include "engine/pipeline/ModelSession.h"

#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/preview/TiledVaeDecoder.h"

#include <algorithm>
#include <torch/torch.h>

namespace md {

namespace {

// Latent columns taken from the other side of a circular canvas before decoding.
constexpr int64_t kWrapColumns = 8;

} // namespace

ModelSession::ModelSession(std::shared_ptr<StableDiffusionModel> model)
    : m_model(std::move(model)), m_prompts(*m_model)
{
}

const LatentPreviewer& ModelSession::previewer()
{
    if (!m_previewer.isValid()) {
        m_previewer =
            LatentPreviewer::fit([this](const torch::Tensor& z) { return m_model->decode(z); },
                                 m_model->latentChannels(), m_model->vaeScaleFactor(),
                                 m_model->device(), torch::kFloat32);
    }
    return m_previewer;
}

int ModelSession::nativeLatentSize() const
{
    return m_model->config().unet.sampleSize;
}

bool ModelSession::decodesTiled(int latentHeight, int latentWidth, bool circular) const
{
    const int64_t native = nativeLatentSize();
    const int64_t width =
        circular ? latentWidth + 2 * std::min<int64_t>(kWrapColumns, latentWidth) : latentWidth;
    return int64_t{latentHeight} * width > 4 * native * native;
}

torch::Tensor ModelSession::decodeFlat(const torch::Tensor& latents,
                                       const std::atomic<bool>* cancel)
{
    if (!decodesTiled(static_cast<int>(latents.size(2)), static_cast<int>(latents.size(3)), false))
        return m_model->decode(latents);
    const int native = nativeLatentSize();
    TiledVaeDecoder tiled([this](const torch::Tensor& z) { return m_model->decode(z); },
                          m_model->vaeScaleFactor(), std::max(native, 32), std::max(native / 4, 8));
    return tiled.decode(latents, cancel);
}

torch::Tensor ModelSession::decodeWrapped(const torch::Tensor& latents,
                                          const std::atomic<bool>* cancel)
{
    // Wrap a few latent columns around both sides, decode, and crop them away, so the
    // decoder sees the same context at the left and right edges.
    const int64_t pad = std::min<int64_t>(kWrapColumns, latents.size(3));
    auto wrapped = torch::cat(
        {latents.narrow(3, latents.size(3) - pad, pad), latents, latents.narrow(3, 0, pad)}, 3);
    auto image = decodeFlat(wrapped, cancel);
    if (!image.defined())
        return image;
    const int64_t f = m_model->vaeScaleFactor();
    return image.narrow(3, pad * f, latents.size(3) * f);
}

torch::Tensor ModelSession::decode(const torch::Tensor& latents, bool circular,
                                   const std::atomic<bool>* cancel)
{
    return circular ? decodeWrapped(latents, cancel) : decodeFlat(latents, cancel);
}

RgbImage ModelSession::decodeToRgb(const torch::Tensor& latents, bool circular,
                                   const std::atomic<bool>* cancel)
{
    auto image = decode(latents, circular, cancel);
    return image.defined() ? tensorToRgb(image) : RgbImage{};
}

} // namespace md

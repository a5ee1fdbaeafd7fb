#include "engine/pipeline/ModelSession.h"

#include "engine/nn/GroupNormStatistics.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/preview/TiledVaeDecoder.h"
#include "engine/preview/TiledVaeEncoder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
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

Result<std::vector<int>> ModelSession::useLoras(const std::vector<LoraFileUse>& files)
{
    bool changed = false;
    auto slots = m_loras.use(*m_model, files, changed);
    if (changed) {
        m_prompts.forgetAdapted();
        m_unetGraphs.clear();
    }
    return slots;
}

std::string ModelSession::unetGraphsSummary() const
{
    if (!CudaGraphCache::compiledIn())
        return "not in this build";
    if (!m_unetGraphs.enabled())
        return "off";
    if (!m_model->device().is_cuda())
        return "not on the CPU";
    const auto& s = m_unetGraphs.stats();
    std::string summary = "on: " + std::to_string(s.captures) + " captured, " +
                          std::to_string(s.replays) + " calls replayed, " +
                          std::to_string(s.failures) + " not capturable";
    if (CudaGraphCache::offAfterAFailedCapture())
        summary += " (off for this process after a failed capture)";
    if (!s.lastFailure.empty())
        summary += " (last failure: " + s.lastFailure + ")";
    return summary;
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
    return int64_t{latentHeight} * width >= 4 * native * native;
}

void ModelSession::setPreviewDecoder(std::shared_ptr<TinyPreviewDecoder> decoder, std::string note)
{
    m_tiny = std::move(decoder);
    m_tinyNote = std::move(note);
    m_tinyMsPerLatentPixel = 0.0;
}

TinyPreviewBudget ModelSession::tinyPreviewBudget()
{
    if (!m_tiny || m_model->device().is_cuda())
        return TinyPreviewBudget(true);
    if (m_tinyMsPerLatentPixel <= 0.0) {
        // One 8x8 decode: its fixed costs make it a slight overestimate per pixel.
        constexpr int64_t side = 8;
        const auto start = TinyPreviewBudget::Clock::now();
        m_tiny->decode(torch::zeros({1, m_model->latentChannels(), side, side}));
        const double ms =
            std::chrono::duration<double, std::milli>(TinyPreviewBudget::Clock::now() - start)
                .count();
        m_tinyMsPerLatentPixel = std::max(ms, 1e-3) / (side * side);
    }
    return TinyPreviewBudget(false, m_tinyMsPerLatentPixel);
}

void ModelSession::rememberTinyCost(const TinyPreviewBudget& budget)
{
    if (!budget.unlimited() && budget.msPerLatentPixel() > 0.0)
        m_tinyMsPerLatentPixel = budget.msPerLatentPixel();
}

torch::Tensor ModelSession::decodeFlat(const torch::Tensor& latents, const DecodeFunction& decoder,
                                       const std::atomic<bool>* cancel)
{
    if (!decodesTiled(static_cast<int>(latents.size(2)), static_cast<int>(latents.size(3)), false))
        return decoder(latents);
    const int native = nativeLatentSize();
    TiledVaeDecoder tiled(decoder, m_model->vaeScaleFactor(), std::max(native, 32),
                          std::max(native / 4, 8));
    return tiled.decode(latents, cancel);
}

torch::Tensor ModelSession::decodeWrapped(const torch::Tensor& latents,
                                          const DecodeFunction& decoder,
                                          const std::atomic<bool>* cancel)
{
    // Extend the latent by a few columns from the other side at both ends and decode it
    // (whole or tiled). Every column near the wrap then comes out twice: once near one end of
    // the decoded strip and once near the other, each with the context of its own side only.
    // Fold the strip back onto the cylinder with linear ramps over the 2 * pad columns at
    // each end, so the two copies cross-fade (their weights sum to 1) as tile overlaps do:
    // cropping the copies instead leaves a step where the right edge meets the left (the
    // decoder sees more than `pad` columns, and tiles of a tiled decode differ in tone).
    const int64_t width = latents.size(3);
    const int64_t pad = std::min<int64_t>(kWrapColumns, width);
    auto extended =
        torch::cat({latents.narrow(3, width - pad, pad), latents, latents.narrow(3, 0, pad)}, 3);
    auto image = decodeFlat(extended, decoder, cancel);
    if (!image.defined())
        return image;
    const int64_t f = m_model->vaeScaleFactor();
    const int64_t strip = image.size(3);
    const double ramp = static_cast<double>(2 * pad * f);
    auto u = torch::arange(strip, torch::kFloat64) + 0.5;
    auto weight = torch::minimum((u / ramp).clamp_max(1.0), ((strip - u) / ramp).clamp_max(1.0))
                      .to(torch::kFloat32)
                      .to(image.device());
    auto columns = torch::remainder(torch::arange(strip, torch::kLong) - pad * f, width * f)
                       .to(image.device());
    auto out =
        torch::zeros({image.size(0), image.size(1), image.size(2), width * f}, image.options());
    out.index_add_(3, columns, image * weight.view({1, 1, 1, -1}));
    auto total = torch::zeros({width * f}, weight.options()).index_add_(0, columns, weight);
    return out / total.clamp_min(1e-8).view({1, 1, 1, -1});
}

torch::Tensor ModelSession::decode(const torch::Tensor& latents, bool circular,
                                   const std::atomic<bool>* cancel)
{
    const DecodeFunction vae = [this](const torch::Tensor& z) { return m_model->decode(z); };
    return circular ? decodeWrapped(latents, vae, cancel) : decodeFlat(latents, vae, cancel);
}

torch::Tensor ModelSession::decodeFast(const torch::Tensor& latents, bool circular,
                                       const std::atomic<bool>* cancel)
{
    if (!m_tiny)
        return decode(latents, circular, cancel);
    const DecodeFunction tiny = [this](const torch::Tensor& z) { return m_tiny->decode(z); };
    return circular ? decodeWrapped(latents, tiny, cancel) : decodeFlat(latents, tiny, cancel);
}

bool ModelSession::encodesTiled(int heightPx, int widthPx) const
{
    return TiledVaeEncoder::wanted(heightPx, widthPx,
                                   nativeLatentSize() * m_model->vaeScaleFactor());
}

nn::LatentDistribution ModelSession::encodeImage(const torch::Tensor& image,
                                                 const std::atomic<bool>* cancel)
{
    const int heightPx = static_cast<int>(image.size(2));
    const int widthPx = static_cast<int>(image.size(3));
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
        return {};
    if (!encodesTiled(heightPx, widthPx))
        return m_model->encodeDistribution(image);
    const int native = nativeLatentSize() * m_model->vaeScaleFactor();
    return encodeTiled(image, TiledVaeEncoder::tileFor(native), TiledVaeEncoder::overlapFor(native),
                       true, cancel);
}

nn::LatentDistribution ModelSession::encodeTiled(const torch::Tensor& image, int tilePx,
                                                 int overlapPx, bool sharedStatistics,
                                                 const std::atomic<bool>* cancel)
{
    const int heightPx = static_cast<int>(image.size(2));
    const int widthPx = static_cast<int>(image.size(3));
    // One set of GroupNorm statistics for every tile, recorded on the whole image shrunk to
    // about one tile's area (see nn/GroupNormStatistics.h).
    nn::GroupNormStatistics statistics;
    if (sharedStatistics) {
        const int64_t f = m_model->vaeScaleFactor();
        const double scale = std::min(1.0, tilePx / std::sqrt(double(heightPx) * double(widthPx)));
        const auto side = [&](int px) {
            return std::max<int64_t>(f, static_cast<int64_t>(px * scale / f) * f);
        };
        namespace F = torch::nn::functional;
        auto small =
            F::interpolate(image, F::InterpolateFuncOptions()
                                      .size(std::vector<int64_t>{side(heightPx), side(widthPx)})
                                      .mode(torch::kArea));
        nn::GroupNormStatistics::Scope record(statistics, nn::GroupNormStatistics::Mode::Record);
        m_model->encodeDistribution(small);
    }
    TiledVaeEncoder tiled(
        [this, &statistics, sharedStatistics](const torch::Tensor& tile) {
            std::optional<nn::GroupNormStatistics::Scope> replay;
            if (sharedStatistics)
                replay.emplace(statistics, nn::GroupNormStatistics::Mode::Replay);
            auto d = m_model->encodeDistribution(tile);
            return TiledVaeEncoder::Moments{d.mean, d.std};
        },
        m_model->vaeScaleFactor(), tilePx, overlapPx);
    auto moments = tiled.encode(image, cancel);
    nn::LatentDistribution out;
    out.mean = moments.mean;
    out.std = moments.std;
    return out;
}

RgbImage ModelSession::decodeToRgb(const torch::Tensor& latents, bool circular,
                                   const std::atomic<bool>* cancel)
{
    auto image = decode(latents, circular, cancel);
    return image.defined() ? tensorToRgb(image) : RgbImage{};
}

} // namespace md

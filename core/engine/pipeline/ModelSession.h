#pragma once

// A loaded model and what the pipeline keeps between requests: the prompt encoder (with its
// cache of encodings), the cheap latent previewer (fitted on first use: a few small VAE
// decodes) and the decode policy:
//   - whole: one VAE call for canvases below 4x the model's native area;
//   - tiled: overlapping tiles of the native size, cross-faded, from 4x up (SD 1.x from
//     1024x1024, SDXL from 2048x2048: a float32 SDXL decode of 2048^2 needs ~10 GB);
//   - wrapped (circular canvases): the latent is extended by a few columns from the other
//     side, decoded (whole or tiled), and the two copies of the columns around the wrap
//     seam are cross-faded, so the left and right edges meet without a seam.
// And the encode policy (images to latents: img2img, reroll, upscaling): whole up to 4x the
// native area, tiled above (preview/TiledVaeEncoder: native-size tiles, an eighth of overlap;
// SD 1.x from above 1024x1024), so a 4096x4096 upscale encodes in bounded memory; the tiles
// share one set of GroupNorm statistics (nn/GroupNormStatistics.h), so they agree in tone.
// And the tiny preview decoder (TAESD, pipeline/TinyPreviewDecoder.h) when one was found or
// named: per-step previews (within TinyPreviewBudget on a CPU) and, for requests that ask for
// fastDecode, the final image, by the same whole / tiled / wrapped policy as the VAE.
// And the LoRA files attached to the model as run-time adapters (pipeline/LoraSlots.h): a
// request's files before its run, kept while requests use them.
// And the CUDA graphs of the UNet calls (cuda/CudaGraphCache.h), forgotten whenever the
// attached LoRAs change (a graph bakes in the adapters it ran with).
// One generation at a time (not thread-safe), like the model.

#include "engine/EngineTypes.h"
#include "engine/cuda/CudaGraphCache.h"
#include "engine/nn/AutoencoderKL.h"
#include "engine/pipeline/LoraSlots.h"
#include "engine/pipeline/PromptEncoder.h"
#include "engine/pipeline/TinyPreviewBudget.h"
#include "engine/pipeline/TinyPreviewDecoder.h"
#include "engine/preview/LatentPreviewer.h"

#include <atomic>
#include <functional>
#include <memory>
#include <torch/types.h>

namespace md {

class StableDiffusionModel;

class ModelSession
{
public:
    explicit ModelSession(std::shared_ptr<StableDiffusionModel> model);

    StableDiffusionModel& model() { return *m_model; }
    const StableDiffusionModel& model() const { return *m_model; }
    PromptEncoder& prompts() { return m_prompts; }
    // Attaches `files` (each to its own adapter slot; files attached before and unchanged on
    // disk are not read again) and detaches the LoRAs not among them: the slot of each file.
    // When the attached set changes, the prompt encodings made with LoRA weights are dropped.
    Result<std::vector<int>> useLoras(const std::vector<LoraFileUse>& files);
    int attachedLoras() const { return m_loras.attached(); }
    CudaGraphCache& unetGraphs() { return m_unetGraphs; }
    // ModelInfo::cudaGraphs: whether graphs are used, and their counts so far.
    std::string unetGraphsSummary() const;
    // Fitted on first use.
    const LatentPreviewer& previewer();

    // The tiny decoder (null: the linear preview only) and why none is loaded ("" when
    // nothing to say).
    void setPreviewDecoder(std::shared_ptr<TinyPreviewDecoder> decoder, std::string note);
    const TinyPreviewDecoder* previewDecoder() const { return m_tiny.get(); }
    const std::string& previewDecoderNote() const { return m_tinyNote; }
    // The budget of one generation's tiny previews: unlimited on a GPU; on a CPU from the
    // cost per latent pixel measured so far (the first call times one 8x8 decode).
    TinyPreviewBudget tinyPreviewBudget();
    // Keeps what a generation's previews measured, for the next one.
    void rememberTinyCost(const TinyPreviewBudget& budget);

    // The UNet's native sample size in latent pixels.
    int nativeLatentSize() const;
    // Whether decode() tiles a latent of h x w (wrapped: with the extra columns).
    bool decodesTiled(int latentHeight, int latentWidth, bool circular) const;

    // Scaled latents [1, C, h, w] -> image [1, 3, f*h, f*w] in [-1, 1] by the policy above.
    // An undefined tensor when `cancel` was raised between two tiles.
    torch::Tensor decode(const torch::Tensor& latents, bool circular,
                         const std::atomic<bool>* cancel = nullptr);
    // The same as 8-bit RGB (empty when cancelled).
    RgbImage decodeToRgb(const torch::Tensor& latents, bool circular,
                         const std::atomic<bool>* cancel = nullptr);

    // decode() with the tiny decoder (the VAE when none is loaded): same range and policy.
    torch::Tensor decodeFast(const torch::Tensor& latents, bool circular,
                             const std::atomic<bool>* cancel = nullptr);

    // Whether encodeImage() tiles an image of H x W pixels.
    bool encodesTiled(int heightPx, int widthPx) const;
    // Image [1, 3, H, W] in [-1, 1] (the VAE's space, as decode() returns; H, W multiples of
    // the VAE factor) -> the encoder's posterior in the SCALED latent space, [1, C, H/f, W/f]
    // float32 on the model's device, by the policy above: mean' = (mean - shift) * scaling,
    // std' = std * scaling. The pipeline draws ONE noise = rng.randn({1, C, H/f, W/f}) (the
    // seed contract) and takes mean' + std' * noise, which is diffusers'
    // scaling_factor * vae.encode(image).latent_dist.sample(generator) for a whole encode.
    // Undefined tensors when `cancel` was raised between two tiles.
    nn::LatentDistribution encodeImage(const torch::Tensor& image,
                                       const std::atomic<bool>* cancel = nullptr);
    // The tiled encode encodeImage runs above the threshold, with any tile (tests, benches).
    // sharedStatistics: every tile's GroupNorm layers use the statistics of the whole image
    // shrunk to about one tile (nn/GroupNormStatistics.h; encodeImage does); false: each
    // tile's own.
    nn::LatentDistribution encodeTiled(const torch::Tensor& image, int tilePx, int overlapPx,
                                       bool sharedStatistics = true,
                                       const std::atomic<bool>* cancel = nullptr);

private:
    using DecodeFunction = std::function<torch::Tensor(const torch::Tensor&)>;
    torch::Tensor decodeFlat(const torch::Tensor& latents, const DecodeFunction& decoder,
                             const std::atomic<bool>* cancel);
    torch::Tensor decodeWrapped(const torch::Tensor& latents, const DecodeFunction& decoder,
                                const std::atomic<bool>* cancel);

    std::shared_ptr<StableDiffusionModel> m_model;
    PromptEncoder m_prompts;
    LatentPreviewer m_previewer;
    LoraSlots m_loras;
    CudaGraphCache m_unetGraphs;
    std::shared_ptr<TinyPreviewDecoder> m_tiny;
    std::string m_tinyNote;
    double m_tinyMsPerLatentPixel = 0.0; // measured on a CPU; 0: not yet
};

} // namespace md

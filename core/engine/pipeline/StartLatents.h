#pragma once

// Step 2 of the pipeline: the latents the loop starts from, drawn from the request's
// generator in the seed contract's order (docs/multidiffusion.md), as diffusers does:
//   text-to-image (StableDiffusionPipeline):
//       noise = randn([1, C, h, w]);  x = noise * initNoiseSigma
//   img2img (StableDiffusionImg2ImgPipeline, ...XLImg2ImgPipeline):
//       image = initImage / 255 * 2 - 1
//       imageLatents = (mean + std * randn) of the VAE encoder (the first draw) * scaling
//       noise = randn([1, C, h, w])                                      (the second draw)
//       x = sampler.addNoise(imageLatents, noise, firstStep)   (no initNoiseSigma, even at 1)
//   reroll (StableDiffusionInpaintPipeline with a 4-channel UNet):
//       imageLatents and noise as img2img;
//       x = noise * initNoiseSigma when strength == 1, else addNoise as img2img;
//       then a third draw of the latent shape (diffusers samples the masked image's
//       posterior, which a 4-channel UNet does not use);
//       after every step: x = (1 - m) * addNoise(imageLatents, noise, i + 1) + m * x, with
//       the clean imageLatents after the last step (keepBlend);
//       the final image: init * (1 - M) + decoded * M (composite).
//   reroll with a 9-channel inpainting UNet (InpaintChannels.h):
//       imageLatents only when strength < 1 (the first draw), then noise;
//       x = noise * initNoiseSigma when strength == 1, else addNoise(imageLatents, ...);
//       then the masked image's posterior sample (binarized mask, no feather): the UNet's
//       extra channels cat([mask, maskedLatents]); no keepBlend; the composite as above.
//   text-to-image / img2img on a 9-channel UNet: extra channels InpaintChannels::textToImage.
// Every posterior sample is ModelSession::encodeImage (tiled above 4x the native area) and
// ONE randn of the latent shape (InpaintChannels::sampleLatents).
// Region seeds replace the noise inside their regions (RegionSeeds) after it is drawn.
// C is the VAE's latent channels (a 9-channel inpainting UNet takes those plus the mask and
// the masked image's latents: extraChannels()).

#include "engine/EngineTypes.h"
#include "engine/Status.h"
#include "engine/pipeline/RerollMask.h"

#include <optional>
#include <torch/types.h>

namespace md {

class ModelSession;
class Rng;
class Sampler;

class StartLatents
{
public:
    // The index in the full schedule of the first step run (diffusers' get_timesteps):
    // t_start = max(steps - min(int(steps * strength), steps), 0), with steps * strength
    // computed in double from the strength's shortest decimal form (so 0.7 runs 7 of 10
    // steps, as in Python). 0 without a start image.
    static int firstStep(const GenerateRequest& request);

    // Draws and encodes (through the session's encode policy). `sampler` has its timesteps
    // set; latentHeight x latentWidth is the canvas on the latent grid. The request is valid.
    static Result<StartLatents> prepare(const GenerateRequest& request, int latentHeight,
                                        int latentWidth, ModelSession& session,
                                        const Sampler& sampler, Rng& rng);

    const torch::Tensor& x() const { return m_x; }         // the loop's input (device)
    const torch::Tensor& noise() const { return m_noise; } // unit noise [1, C, h, w] (CPU)
    int first() const { return m_firstStep; }
    bool fromImage() const { return m_imageLatents.defined(); }
    // A reroll: the final image is composite()d.
    bool rerolls() const { return m_reroll.has_value(); }
    // A reroll on a 4-channel UNet: keepBlend() after every step, keepEstimate() on previews.
    bool keepsLatents() const { return rerolls() && !m_extra.defined(); }
    // The extra UNet input of a 9-channel inpainting model, [1, 1 + C, h, w] (device; see
    // InpaintChannels.h); undefined for a 4-channel UNet.
    const torch::Tensor& extraChannels() const { return m_extra; }
    // Scaled latents of the start image (device); undefined for text-to-image and for a
    // 9-channel reroll at strength 1 (not drawn).
    const torch::Tensor& imageLatents() const { return m_imageLatents; }
    // Reroll: the latent mask m [1, 1, h, w] (device; 1 = regenerate; binarized for a
    // 9-channel UNet), and, for a 9-channel UNet, the masked image's scaled latents (device;
    // else undefined).
    const torch::Tensor& latentMask() const { return m_latentMask; }
    const torch::Tensor& maskedImageLatents() const { return m_maskedImageLatents; }

    // Reroll: x after step `stepIndex` with the start image's latents (noised to the next
    // step) outside the selection.
    torch::Tensor keepBlend(const Sampler& sampler, int stepIndex, const torch::Tensor& x) const;
    // Reroll: a step's x0 estimate with the start image's latents outside (previews).
    torch::Tensor keepEstimate(const torch::Tensor& x0) const;
    // Reroll: the decoded image with the start image's pixels outside the selection.
    RgbImage composite(const RgbImage& decoded) const;

private:
    torch::Tensor m_x;
    torch::Tensor m_noise;
    int m_firstStep = 0;
    torch::Tensor m_imageLatents;
    torch::Tensor m_noiseOnDevice;
    std::optional<RerollMask> m_reroll;
    torch::Tensor m_latentMask;
    torch::Tensor m_maskedImageLatents;
    torch::Tensor m_initPixels; // [H, W, 3] uint8 (reroll)
    torch::Tensor m_extra;
};

} // namespace md

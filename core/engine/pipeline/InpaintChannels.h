#pragma once

// The extra UNet input of an inpainting model (SD 1.5 / SDXL inpainting: a 9-channel UNet,
// StableDiffusionModel::isInpainting()), as diffusers' StableDiffusionInpaintPipeline builds
// it. At every UNet call the input is
//     cat([sampler.scaleModelInput(x), mask, maskedImageLatents], dim 1)   (4 + 1 + 4)
// and the scaling applies to the latents only. The denoisers append the [1, 5, h, w] tensor
// built here: GuidedDenoiser::setExtraChannels (plain path) or FusionSetup::extraChannels
// (MultiDiffusion: each view takes its window).
//
// What the pipeline does for a reroll with an inpainting model (request.rerollMask set):
//   image  = imageTensor(request.initImage)                        [1, 3, H, W] in [-1, 1]
//   mask   = latentMask(request.rerollMask, h, w)                  [1, 1, h, w] of 0 / 1
//   masked = maskedImage(image, request.rerollMask)                image where mask < 0.5,
//                                                                  0 (mid-grey) elsewhere
//   Draws, in diffusers' order (one CPU generator, the request's seed):
//     1. only when strength < 1: imageLatents = sampleLatents(session, image, rng)
//     2. noise = rng.randn({1, C, h, w})
//     3. maskedLatents = sampleLatents(session, masked, rng)
//   extra  = assemble(mask, maskedLatents)                         [1, 5, h, w]
//   start  x = noise * initNoiseSigma at strength 1, else addNoise(imageLatents, noise,
//            first kept step); NO per-step blend of the kept latents (the model sees the
//            image through the extra channels) -- a 4-channel model keeps its blend.
//   The mask is binarized at 0.5 WITHOUT the request's feather (diffusers binarizes); the
//   feather is for the final pixel composite only.
//   StartLatents::prepare does this for DiffusionPipeline; tests/engine/image/
//   InpaintParityTest.cpp runs the pipeline against diffusers (strength 1 and 0.6, DDIM and
//   Euler ancestral).
// Text to image with an inpainting model (no reroll mask): textToImage(), diffusers' and
// A1111's convention: mask 1 everywhere, the masked image all mid-grey.

#include "engine/EngineTypes.h"

#include <torch/types.h>

namespace md {

class ModelSession;
class Rng;

class InpaintChannels
{
public:
    // 8-bit RGB -> [1, 3, H, W] float32 in [-1, 1] on the CPU: (u8 / 255) * 2 - 1 (diffusers'
    // VaeImageProcessor: to float, / 255, normalize).
    static torch::Tensor imageTensor(const RgbImage& image);
    // The mask at pixel size, binarized: [1, 1, H, W] float32, 1 where mask >= 0.5.
    static torch::Tensor pixelMask(const MaskImage& mask);
    // The binarized mask nearest-sampled to the latent grid, [1, 1, h, w] float32 on the CPU:
    // torch's interpolate(mode="nearest"), which takes pixel (floor(i * H / h),
    // floor(j * W / w)) -- for a factor of 8 the top-left pixel of each 8x8 block.
    static torch::Tensor latentMask(const MaskImage& mask, int latentHeight, int latentWidth);
    // image [1, 3, H, W] in [-1, 1] with the pixels to regenerate (mask >= 0.5) set to 0:
    // diffusers' init_image * (mask < 0.5).
    static torch::Tensor maskedImage(const torch::Tensor& image, const MaskImage& mask);
    // One posterior sample of an image [1, 3, H, W] in [-1, 1]: session.encodeImage(image)
    // (tiled when large) and ONE rng.randn({1, C, H/f, W/f}) (the seed contract's draw, on
    // the CPU): mean + std * noise, the scaled latents on the model's device. diffusers'
    // scaling_factor * retrieve_latents(vae.encode(image), generator).
    static torch::Tensor sampleLatents(ModelSession& session, const torch::Tensor& image, Rng& rng);
    // cat([mask [1, 1, h, w], masked-image latents [1, C, h, w]], 1) -> [1, 1 + C, h, w]
    // float32, on the latents' device.
    static torch::Tensor assemble(const torch::Tensor& latentMask,
                                  const torch::Tensor& maskedImageLatents);
    // Text to image on an inpainting model: mask 1 everywhere and the latents of an all-0
    // ([-1, 1]: mid-grey) image of the canvas' size, the encoder's posterior MEAN (no draw, so
    // the seed contract of text to image is unchanged; A1111 samples the posterior, which
    // differs by the tiny std of a flat image). [1, 1 + C, h, w] on the model's device.
    static torch::Tensor textToImage(ModelSession& session, int latentHeight, int latentWidth);
};

} // namespace md

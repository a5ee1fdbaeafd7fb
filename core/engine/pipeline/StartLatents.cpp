#include "engine/pipeline/StartLatents.h"

#include "engine/pipeline/InpaintChannels.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/RegionSeeds.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/sampling/Rng.h"
#include "engine/sampling/Sampler.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <torch/torch.h>

namespace md {

namespace {

// [H, W, 3] uint8 (a copy).
torch::Tensor rgbPixels(const RgbImage& image)
{
    auto t = torch::empty({image.height, image.width, 3}, torch::kUInt8);
    std::memcpy(t.data_ptr<std::uint8_t>(), image.pixels.data(), image.pixels.size());
    return t;
}

// The strength as the decimal the user wrote (the float's shortest form), in double.
double decimalStrength(float strength)
{
    char text[32] = {};
    const auto end = std::to_chars(text, text + sizeof(text) - 1, strength).ptr;
    *end = '\0';
    return std::strtod(text, nullptr);
}

} // namespace

int StartLatents::firstStep(const GenerateRequest& r)
{
    if (r.initImage.empty())
        return 0;
    const double scaled = static_cast<double>(r.steps) * decimalStrength(r.strength);
    const int init = std::min(static_cast<int>(scaled), r.steps);
    return std::max(r.steps - init, 0);
}

Result<StartLatents> StartLatents::prepare(const GenerateRequest& r, int latentHeight,
                                           int latentWidth, ModelSession& session,
                                           const Sampler& sampler, Rng& rng)
{
    auto& model = session.model();
    const auto device = model.device();
    const bool inpaintingUnet = model.isInpainting();
    StartLatents s;
    s.m_firstStep = firstStep(r);
    const auto drawNoise = [&]() -> Status {
        auto noise = RegionSeeds::apply(
            rng.randn({1, model.config().vae.latentChannels, latentHeight, latentWidth}), r.regions,
            r.width, r.height);
        if (!noise)
            return noise.status();
        s.m_noise = noise.value();
        s.m_noiseOnDevice = s.m_noise.to(device);
        return Status::ok();
    };
    if (r.initImage.empty()) {
        if (auto drawn = drawNoise(); !drawn)
            return drawn;
        s.m_x = s.m_noiseOnDevice * static_cast<float>(sampler.initNoiseSigma());
        if (inpaintingUnet)
            s.m_extra = InpaintChannels::textToImage(session, latentHeight, latentWidth);
        return s;
    }

    s.m_initPixels = rgbPixels(r.initImage);
    const auto image = InpaintChannels::imageTensor(r.initImage);
    const bool reroll = !r.rerollMask.empty();
    // diffusers' inpainting pipeline with a 9-channel UNet skips the image's sample at
    // strength 1 (it starts from pure noise and sees the image through the extra channels).
    if (!(reroll && inpaintingUnet && r.strength == 1.0f))
        s.m_imageLatents = InpaintChannels::sampleLatents(session, image, rng);
    if (auto drawn = drawNoise(); !drawn)
        return drawn;
    if (reroll && r.strength == 1.0f)
        s.m_x = s.m_noiseOnDevice * static_cast<float>(sampler.initNoiseSigma());
    else
        s.m_x = sampler.addNoise(s.m_imageLatents, s.m_noiseOnDevice, s.m_firstStep);
    if (!reroll) {
        if (inpaintingUnet)
            s.m_extra = InpaintChannels::textToImage(session, latentHeight, latentWidth);
        return s;
    }

    auto mask =
        RerollMask::build(r.rerollMask, r.width, r.height, model.vaeScaleFactor(), r.featherPx);
    if (!mask)
        return mask.status();
    if (inpaintingUnet) {
        // The UNet's extra input: the mask binarized at 0.5 without the feather (diffusers
        // binarizes; the feather is for the composite) and the masked image's sample.
        s.m_latentMask =
            InpaintChannels::latentMask(r.rerollMask, latentHeight, latentWidth).to(device);
        s.m_maskedImageLatents = InpaintChannels::sampleLatents(
            session, InpaintChannels::maskedImage(image, r.rerollMask), rng);
        s.m_extra = InpaintChannels::assemble(s.m_latentMask, s.m_maskedImageLatents);
    } else {
        // A 4-channel UNet does not use the masked image's sample, but diffusers draws it all
        // the same, so the draw is made to keep the per-step draws in step with it.
        s.m_latentMask = mask->latent().to(device);
        rng.randn(s.m_noise.sizes());
    }
    s.m_reroll = std::move(mask.value());
    return s;
}

torch::Tensor StartLatents::keepBlend(const Sampler& sampler, int stepIndex,
                                      const torch::Tensor& x) const
{
    const int next = stepIndex + 1;
    const auto kept = next < sampler.numSteps()
                          ? sampler.addNoise(m_imageLatents, m_noiseOnDevice, next)
                          : m_imageLatents;
    const auto m = m_latentMask.to(x.device(), x.scalar_type());
    return (1 - m) * kept.to(x.scalar_type()) + m * x;
}

torch::Tensor StartLatents::keepEstimate(const torch::Tensor& x0) const
{
    const auto m = m_latentMask.to(x0.device(), x0.scalar_type());
    return (1 - m) * m_imageLatents.to(x0.scalar_type()) + m * x0;
}

RgbImage StartLatents::composite(const RgbImage& decoded) const
{
    const auto h = m_initPixels.size(0);
    const auto w = m_initPixels.size(1);
    const auto mask = m_reroll->pixels().view({h, w, 1});
    const auto init = m_initPixels.to(torch::kFloat32);
    const auto generated = rgbPixels(decoded).to(torch::kFloat32);
    const auto out =
        (init * (1 - mask) + generated * mask).round().clamp(0, 255).to(torch::kUInt8).contiguous();
    RgbImage image;
    image.width = static_cast<int>(w);
    image.height = static_cast<int>(h);
    image.pixels.assign(out.data_ptr<std::uint8_t>(), out.data_ptr<std::uint8_t>() + out.numel());
    return image;
}

} // namespace md

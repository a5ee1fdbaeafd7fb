#include "engine/pipeline/StartLatents.h"

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
                                           int latentWidth, StableDiffusionModel& model,
                                           const Sampler& sampler, Rng& rng)
{
    const auto device = model.device();
    StartLatents s;
    s.m_firstStep = firstStep(r);
    if (r.initImage.empty()) {
        auto noise = RegionSeeds::apply(
            rng.randn({1, model.config().vae.latentChannels, latentHeight, latentWidth}), r.regions,
            r.width, r.height);
        if (!noise)
            return noise.status();
        s.m_noise = noise.value();
        s.m_x = (s.m_noise * static_cast<float>(sampler.initNoiseSigma())).to(device);
        return s;
    }

    s.m_initPixels = rgbPixels(r.initImage);
    const auto image =
        (s.m_initPixels.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32) / 255.0f) * 2.0f - 1.0f;
    s.m_imageLatents = model.encodeSample(image, rng);
    auto noise =
        RegionSeeds::apply(rng.randn(s.m_imageLatents.sizes()), r.regions, r.width, r.height);
    if (!noise)
        return noise.status();
    s.m_noise = noise.value();
    s.m_noiseOnDevice = s.m_noise.to(device);
    const bool reroll = !r.rerollMask.empty();
    if (reroll && r.strength == 1.0f)
        s.m_x = s.m_noiseOnDevice * static_cast<float>(sampler.initNoiseSigma());
    else
        s.m_x = sampler.addNoise(s.m_imageLatents, s.m_noiseOnDevice, s.m_firstStep);
    if (!reroll)
        return s;

    auto mask =
        RerollMask::build(r.rerollMask, r.width, r.height, model.vaeScaleFactor(), r.featherPx);
    if (!mask)
        return mask.status();
    s.m_latentMask = mask->latent().to(device);
    // The masked image's posterior sample: the UNet's extra input when it takes one
    // (9-channel inpainting); a 4-channel UNet does not use it, but diffusers draws it all
    // the same, so the draw is made to keep the per-step draws in step with it.
    if (model.config().unet.inChannels > model.config().vae.latentChannels)
        s.m_maskedImageLatents = model.encodeSample(image * mask->keep(), rng);
    else
        rng.randn(s.m_imageLatents.sizes());
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

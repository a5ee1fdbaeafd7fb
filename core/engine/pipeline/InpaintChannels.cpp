#include "engine/pipeline/InpaintChannels.h"

#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/sampling/Rng.h"

#include <stdexcept>
#include <string>
#include <torch/torch.h>

namespace md {

torch::Tensor InpaintChannels::imageTensor(const RgbImage& image)
{
    if (image.empty() || image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3)
        throw std::invalid_argument("the start image is empty or its pixels do not match its "
                                    "size");
    auto u8 = torch::from_blob(const_cast<std::uint8_t*>(image.pixels.data()),
                               {image.height, image.width, 3}, torch::kUInt8);
    auto unit = u8.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32) / 255.0f;
    return (unit * 2.0f - 1.0f).contiguous();
}

torch::Tensor InpaintChannels::pixelMask(const MaskImage& mask)
{
    if (mask.empty() || mask.values.size() != static_cast<size_t>(mask.width) * mask.height)
        throw std::invalid_argument("the reroll mask is empty or its values do not match its "
                                    "size");
    auto values = torch::from_blob(const_cast<float*>(mask.values.data()),
                                   {1, 1, mask.height, mask.width}, torch::kFloat32);
    return (values >= 0.5f).to(torch::kFloat32);
}

torch::Tensor InpaintChannels::latentMask(const MaskImage& mask, int latentHeight, int latentWidth)
{
    namespace F = torch::nn::functional;
    return F::interpolate(pixelMask(mask),
                          F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{latentHeight, latentWidth})
                              .mode(torch::kNearest));
}

torch::Tensor InpaintChannels::maskedImage(const torch::Tensor& image, const MaskImage& mask)
{
    auto keep = (pixelMask(mask) < 0.5f).to(image.device(), image.scalar_type());
    if (keep.size(2) != image.size(2) || keep.size(3) != image.size(3))
        throw std::invalid_argument("the reroll mask is " + std::to_string(mask.width) + "x" +
                                    std::to_string(mask.height) + " but the image " +
                                    std::to_string(image.size(3)) + "x" +
                                    std::to_string(image.size(2)));
    return image * keep;
}

torch::Tensor InpaintChannels::sampleLatents(ModelSession& session, const torch::Tensor& image,
                                             Rng& rng)
{
    const auto posterior = session.encodeImage(image);
    if (!posterior.mean.defined())
        throw std::runtime_error("the VAE encode of the start image was cancelled");
    const auto noise = rng.randn(posterior.mean.sizes());
    return posterior.sample(noise.to(posterior.mean.device(), posterior.mean.scalar_type()));
}

torch::Tensor InpaintChannels::assemble(const torch::Tensor& latentMask,
                                        const torch::Tensor& maskedImageLatents)
{
    if (latentMask.size(2) != maskedImageLatents.size(2) ||
        latentMask.size(3) != maskedImageLatents.size(3))
        throw std::invalid_argument("inpainting channels: the mask and the masked image's "
                                    "latents differ in size");
    const auto& device = maskedImageLatents.device();
    return torch::cat(
        {latentMask.to(device, torch::kFloat32), maskedImageLatents.to(torch::kFloat32)}, 1);
}

torch::Tensor InpaintChannels::textToImage(ModelSession& session, int latentHeight, int latentWidth)
{
    auto& model = session.model();
    const int64_t f = model.vaeScaleFactor();
    auto grey = torch::zeros({1, 3, latentHeight * f, latentWidth * f}, torch::kFloat32);
    auto latents = session.encodeImage(grey).mean;
    auto mask = torch::ones({1, 1, latentHeight, latentWidth}, latents.options());
    return assemble(mask, latents);
}

} // namespace md

#include "engine/preview/LatentPreviewer.h"

namespace md {

namespace F = torch::nn::functional;

LatentPreviewer LatentPreviewer::fit(const DecodeFunction& decode, int latentChannels,
                                     int factor, const torch::Device& device,
                                     torch::Dtype dtype, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = at::detail::createCPUGenerator(seed);
    // Smooth random latents: coarse noise upsampled, so the decoder sees areas of colour
    // like real x0 predictions do, plus a little fine detail.
    const int size = 16;
    auto coarse = at::randn({4, latentChannels, 4, 4}, gen);
    auto smooth = F::interpolate(coarse, F::InterpolateFuncOptions()
                                             .size(std::vector<int64_t>{size, size})
                                             .mode(torch::kBilinear)
                                             .align_corners(false));
    auto latents = smooth * 1.2 + at::randn({4, latentChannels, size, size}, gen) * 0.3;
    auto image = decode(latents.to(device, dtype)).to(torch::kCPU, torch::kFloat64);
    auto target = F::avg_pool2d(image, F::AvgPool2dFuncOptions({factor, factor}));

    // Rows: one per latent pixel. X = [latent, 1], Y = RGB. Normal equations in float64.
    auto x = latents.to(torch::kFloat64).permute({0, 2, 3, 1}).reshape({-1, latentChannels});
    auto ones = torch::ones({x.size(0), 1}, x.options());
    auto design = torch::cat({x, ones}, 1);
    auto y = target.permute({0, 2, 3, 1}).reshape({-1, 3});
    auto gram = design.t().mm(design) + torch::eye(latentChannels + 1, x.options()) * 1e-6;
    auto solution = torch::inverse(gram).mm(design.t().mm(y)); // [C+1, 3]

    LatentPreviewer p;
    p.m_matrix = solution.narrow(0, 0, latentChannels).to(torch::kFloat32);
    p.m_bias = solution[latentChannels].to(torch::kFloat32);
    p.m_rmse = (design.mm(solution) - y).pow(2).mean().sqrt().item<double>();
    return p;
}

torch::Tensor LatentPreviewer::apply(const torch::Tensor& x0) const
{
    auto x = x0.detach().to(torch::kCPU, torch::kFloat32);
    auto rgb = torch::einsum("bchw,cd->bdhw", {x, m_matrix}) + m_bias.view({1, 3, 1, 1});
    return rgb;
}

RgbImage LatentPreviewer::preview(const torch::Tensor& x0) const
{
    torch::NoGradGuard noGrad;
    return tensorToRgb(apply(x0.narrow(0, 0, 1)));
}

RgbImage tensorToRgb(const torch::Tensor& image)
{
    auto img = ((image.detach().to(torch::kCPU, torch::kFloat32) / 2 + 0.5).clamp(0, 1) * 255)
                   .round()
                   .to(torch::kUInt8)[0]
                   .permute({1, 2, 0})
                   .contiguous();
    RgbImage out;
    out.height = static_cast<int>(img.size(0));
    out.width = static_cast<int>(img.size(1));
    out.pixels.assign(img.data_ptr<std::uint8_t>(),
                      img.data_ptr<std::uint8_t>() + img.numel());
    return out;
}

} // namespace md

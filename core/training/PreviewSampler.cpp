#include "training/PreviewSampler.h"

namespace md {

torch::Tensor PreviewSampler::sample(PreviewModel m, const std::vector<std::string>& prompts,
                                     int steps, double cfg, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    m.unet->eval();
    m.text->eval();
    m.vae->eval();
    const auto device = m.unet->parameters().front().device();
    const int64_t b = int64_t(prompts.size());
    std::vector<std::string> all(prompts);
    all.insert(all.end(), prompts.size(), std::string());
    auto context = m.text->forward(m.tokenizer->encode(all, device));
    torch::manual_seed(seed);
    const int channels = int(m.unet->config().inChannels);
    auto x = torch::randn({b, channels, m.latentSize, m.latentSize}).to(device);
    const auto& abar = m.noising->alphasCumprod();
    const int total = m.noising->steps();
    const int stride = total / steps;
    for (int i = steps - 1; i >= 0; --i) {
        const int t = i * stride + 1;
        const int prev = t - stride;
        auto tt =
            torch::full({2 * b}, t, torch::TensorOptions().dtype(torch::kLong).device(device));
        auto eps2 = m.unet->forward(torch::cat({x, x}), tt, context);
        auto cond = eps2.slice(0, 0, b), uncond = eps2.slice(0, b);
        auto eps = uncond + cfg * (cond - uncond);
        const double a = abar[t].item<double>();
        const double ap = prev >= 0 ? abar[prev].item<double>() : abar[0].item<double>();
        auto x0 = (x - std::sqrt(1.0 - a) * eps) / std::sqrt(a);
        x = std::sqrt(ap) * x0 + std::sqrt(1.0 - ap) * eps;
    }
    return m.vae->decode(x / m.scalingFactor).clamp(-1.0, 1.0);
}

} // namespace md

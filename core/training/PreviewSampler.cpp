#include "training/PreviewSampler.h"

#include "training/ConsistencySchedule.h"

#include <cmath>

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

torch::Tensor PreviewSampler::sampleLcm(PreviewModel m, const std::vector<std::string>& prompts,
                                        int steps, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    m.unet->eval();
    m.text->eval();
    m.vae->eval();
    const auto device = m.unet->parameters().front().device();
    const int64_t b = int64_t(prompts.size());
    auto context = m.text->forward(m.tokenizer->encode(prompts, device));
    const ConsistencySchedule schedule(*m.noising);
    const int points = schedule.points();
    steps = std::clamp(steps, 1, points);
    torch::manual_seed(seed);
    const int channels = int(m.unet->config().inChannels);
    auto x = torch::randn({b, channels, m.latentSize, m.latentSize}).to(device);
    const auto longOnDevice = torch::TensorOptions().dtype(torch::kLong).device(device);
    for (int i = 0; i < steps; ++i) {
        const int fromTop = int(std::floor(i * (double(points) / double(steps))));
        auto n = torch::full({b}, points - 1 - fromTop, longOnDevice);
        auto t = schedule.timesteps(n);
        auto denoised = schedule.consistencyOutput(m.unet->forward(x, t, context), x, t);
        if (i == steps - 1) {
            x = denoised;
            break;
        }
        const int nextFromTop = int(std::floor((i + 1) * (double(points) / double(steps))));
        const int next = (points - nextFromTop) * schedule.skip() - 1;
        const double a = m.noising->alphasCumprod()[next].item<double>();
        auto noise = torch::randn(x.sizes()).to(device);
        x = std::sqrt(a) * denoised + std::sqrt(1.0 - a) * noise;
    }
    return m.vae->decode(x / m.scalingFactor).clamp(-1.0, 1.0);
}

} // namespace md

#include "engine/pipeline/GuidedDenoiser.h"

#include "engine/sampling/Sampler.h"

#include <stdexcept>
#include <torch/torch.h>

namespace md {

GuidedDenoiser::GuidedDenoiser(const Sampler& sampler, UNetFunction unet, torch::Tensor cond,
                               torch::Tensor uncond, float cfg, const std::atomic<bool>* cancel)
    : m_sampler(sampler), m_unet(std::move(unet)), m_cfg(cfg), m_cancel(cancel)
{
    if (guided()) {
        if (cond.size(1) != uncond.size(1))
            throw std::invalid_argument("guided denoiser: prompt and negative prompt encodings "
                                        "differ in length (pad them first)");
        m_context = torch::cat({uncond, cond}, 0);
    } else {
        m_context = cond;
    }
}

torch::Tensor GuidedDenoiser::predict(const torch::Tensor& x, int stepIndex)
{
    if (m_cancel != nullptr && m_cancel->load(std::memory_order_relaxed))
        return {};
    const auto input = m_sampler.scaleModelInput(x, stepIndex);
    const auto t = static_cast<float>(m_sampler.timesteps().at(static_cast<size_t>(stepIndex)));
    const int64_t b = x.size(0);
    if (!guided()) {
        auto timestep = torch::full({b}, t, torch::TensorOptions().dtype(torch::kFloat32));
        return m_unet(input, timestep.to(x.device()), m_context.expand({b, -1, -1}));
    }
    auto batch = torch::cat({input, input}, 0);
    auto context = b == 1 ? m_context
                          : torch::cat({m_context[0].unsqueeze(0).expand({b, -1, -1}),
                                        m_context[1].unsqueeze(0).expand({b, -1, -1})},
                                       0);
    auto timestep =
        torch::full({2 * b}, t, torch::TensorOptions().dtype(torch::kFloat32)).to(x.device());
    auto out = m_unet(batch, timestep, context);
    auto chunks = out.chunk(2, 0);
    const auto& uncond = chunks[0];
    const auto& cond = chunks[1];
    return uncond + m_cfg * (cond - uncond);
}

} // namespace md

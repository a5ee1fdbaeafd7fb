#include "engine/pipeline/GuidedDenoiser.h"

#include "engine/sampling/Sampler.h"

#include <stdexcept>
#include <torch/torch.h>

namespace md {

namespace {

// [n, ...] rows repeated so that each of the n rows covers b samples: [n * b, ...].
torch::Tensor perSample(const torch::Tensor& rows, int64_t b)
{
    if (!rows.defined() || b == 1)
        return rows;
    return rows.repeat_interleave(b, 0);
}

} // namespace

GuidedDenoiser::GuidedDenoiser(const Sampler& sampler, UNetFunction unet, const TextEncoding& cond,
                               const TextEncoding& uncond, float cfg,
                               const std::atomic<bool>* cancel, torch::Tensor timeIds)
    : m_sampler(sampler), m_unet(std::move(unet)), m_timeIds(std::move(timeIds)), m_cfg(cfg),
      m_cancel(cancel)
{
    if (guided()) {
        if (cond.context.size(1) != uncond.context.size(1))
            throw std::invalid_argument("guided denoiser: prompt and negative prompt encodings "
                                        "differ in length (pad them first)");
        m_context = torch::cat({uncond.context, cond.context}, 0);
        if (cond.pooled.defined() != uncond.pooled.defined())
            throw std::invalid_argument("guided denoiser: only one of prompt and negative "
                                        "prompt has a pooled vector");
        if (cond.pooled.defined())
            m_pooled = torch::cat({uncond.pooled, cond.pooled}, 0);
    } else {
        m_context = cond.context;
        m_pooled = cond.pooled;
    }
    // SDXL's time ids live where the text states do (the model's device): copied once here,
    // not once per step (a host tensor's copy waits for the GPU to finish its queue).
    if (m_timeIds.defined())
        m_timeIds = m_timeIds.to(m_context.device());
}

torch::Tensor GuidedDenoiser::predict(const torch::Tensor& x, int stepIndex)
{
    if (m_cancel != nullptr && m_cancel->load(std::memory_order_relaxed))
        return {};
    auto input = m_sampler.scaleModelInput(x, stepIndex);
    const auto t = static_cast<float>(m_sampler.timesteps().at(static_cast<size_t>(stepIndex)));
    const int64_t b = x.size(0);
    if (m_extra.defined()) {
        if (m_extra.size(2) != x.size(2) || m_extra.size(3) != x.size(3))
            throw std::invalid_argument(
                "guided denoiser: the inpainting channels are " + std::to_string(m_extra.size(2)) +
                "x" + std::to_string(m_extra.size(3)) + " but the latents " +
                std::to_string(x.size(2)) + "x" + std::to_string(x.size(3)));
        auto extra = m_extra.to(input.device(), input.scalar_type());
        input = torch::cat({input, extra.expand({b, -1, -1, -1})}, 1);
    }
    const int64_t paths = m_context.size(0); // 2 guided (uncond, cond), 1 otherwise
    UNetConditioning c;
    c.context = paths == 1 ? m_context.expand({b, -1, -1}) : perSample(m_context, b);
    c.pooled = perSample(m_pooled, b);
    if (m_timeIds.defined())
        c.timeIds = m_timeIds.repeat({paths * b, 1});
    auto batch = paths == 1 ? input : torch::cat({input, input}, 0);
    // Filled where x lives: no host tensor to copy.
    auto timestep = torch::full({paths * b}, t, x.options().dtype(torch::kFloat32));
    auto out = m_unet(batch, timestep, c);
    if (paths == 1)
        return out;
    auto chunks = out.chunk(2, 0);
    const auto& uncond = chunks[0];
    const auto& cond = chunks[1];
    return uncond + m_cfg * (cond - uncond);
}

} // namespace md

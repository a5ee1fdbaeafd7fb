#include "training/DiffusionTrainer.h"

namespace md {

DiffusionTrainer::DiffusionTrainer(nn::UNet2DConditionModel unet, nn::ClipTextModel text,
                                   const SchedulerConfig& scheduler, const TrainOptions& options,
                                   torch::Device device)
    : m_unet(std::move(unet)), m_text(std::move(text)), m_noising(scheduler, device),
      m_options(options)
{
    m_params = m_unet->parameters(true);
    for (auto& p : m_text->parameters(true))
        m_params.push_back(p);
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        m_params,
        torch::optim::AdamWOptions(options.diffusionLr).betas({0.9, 0.999}).weight_decay(0.01));
    if (options.emaDecay > 0) {
        m_emaUnet = EmaWeights(*m_unet);
        m_emaText = EmaWeights(*m_text);
    }
}

double DiffusionTrainer::step(const torch::Tensor& latents, const torch::Tensor& ids, double lr)
{
    m_unet->train();
    m_text->train();
    for (auto& group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    m_optimizer->zero_grad();
    const int64_t b = latents.size(0);
    auto t = torch::randint(0, m_noising.steps(), {b},
                            torch::TensorOptions().dtype(torch::kLong).device(latents.device()));
    auto noise = torch::randn_like(latents);
    if (m_options.noiseOffset > 0)
        noise = noise +
                m_options.noiseOffset * torch::randn({b, latents.size(1), 1, 1}, latents.options());
    auto noisy = m_noising.addNoise(latents, noise, t);
    auto context = m_text->forward(ids);
    auto eps = m_unet->forward(noisy, t, context);
    auto perSample = (eps - noise).pow(2).mean({1, 2, 3});
    torch::Tensor loss;
    if (m_options.minSnrGamma > 0) {
        auto snr = m_noising.snr(t);
        auto weight = torch::clamp_max(snr, m_options.minSnrGamma) / snr;
        loss = (perSample * weight).mean();
    } else {
        loss = perSample.mean();
    }
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_params, 1.0);
    m_optimizer->step();
    return loss.item<double>();
}

double DiffusionTrainer::evaluate(const torch::Tensor& latents, const torch::Tensor& ids,
                                  const torch::Tensor& timesteps, const torch::Tensor& noise)
{
    torch::NoGradGuard noGrad;
    m_unet->eval();
    m_text->eval();
    auto noisy = m_noising.addNoise(latents, noise, timesteps);
    auto eps = m_unet->forward(noisy, timesteps, m_text->forward(ids));
    return (eps - noise).pow(2).mean().item<double>();
}

void DiffusionTrainer::updateEma(double decay)
{
    if (m_emaUnet.empty())
        return;
    const double d = decay > 0 ? decay : m_options.emaDecay;
    m_emaUnet.update(*m_unet, d);
    m_emaText.update(*m_text, d);
}

void DiffusionTrainer::swapEma()
{
    if (m_emaUnet.empty())
        return;
    m_emaUnet.swap(*m_unet);
    m_emaText.swap(*m_text);
}

} // namespace md

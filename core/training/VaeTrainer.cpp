#include "training/VaeTrainer.h"

namespace md {

VaeTrainer::VaeTrainer(nn::AutoencoderKL vae, const TrainOptions& options)
    : m_vae(std::move(vae)), m_options(options)
{
    m_optimizer = std::make_unique<torch::optim::AdamW>(
        m_vae->parameters(),
        torch::optim::AdamWOptions(options.vaeLr).betas({0.9, 0.99}).weight_decay(0.0));
}

std::pair<torch::Tensor, VaeLosses> VaeTrainer::losses(const torch::Tensor& x)
{
    auto dist = m_vae->encode(x);
    auto z = dist.sample(torch::randn_like(dist.mean));
    auto y = m_vae->decode(z);
    auto l1 = (y - x).abs().mean();
    auto l2 = (y - x).pow(2).mean();
    auto dx = [](const torch::Tensor& t) { return t.slice(3, 1) - t.slice(3, 0, -1); };
    auto dy = [](const torch::Tensor& t) { return t.slice(2, 1) - t.slice(2, 0, -1); };
    auto grad = (dx(y) - dx(x)).abs().mean() + (dy(y) - dy(x)).abs().mean();
    auto var = dist.std.pow(2);
    auto kl = 0.5 * (dist.mean.pow(2) + var - 1.0 - torch::log(var + 1e-12)).mean();
    auto total = l1 + l2 + m_options.gradientWeight * grad + m_options.klWeight * kl;
    auto values = torch::stack({total, l1, l2, grad, kl}).detach().to(torch::kCPU, torch::kDouble);
    const double* v = values.data_ptr<double>();
    VaeLosses out;
    out.total = v[0];
    out.l1 = v[1];
    out.l2 = v[2];
    out.gradient = v[3];
    out.kl = v[4];
    return {total, out};
}

VaeLosses VaeTrainer::step(const torch::Tensor& images, double lr)
{
    m_vae->train();
    for (auto& group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    m_optimizer->zero_grad();
    auto [total, out] = losses(images);
    total.backward();
    torch::nn::utils::clip_grad_norm_(m_vae->parameters(), 1.0);
    m_optimizer->step();
    return out;
}

VaeLosses VaeTrainer::evaluate(const torch::Tensor& images)
{
    torch::NoGradGuard noGrad;
    m_vae->eval();
    return losses(images).second;
}

} // namespace md

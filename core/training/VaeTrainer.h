#pragma once

// Stage A: the VAE learns to reconstruct the generator's images (L1 + L2 + an L1 on image
// gradients, and a small KL term that keeps the latents a well-behaved Gaussian).

#include "engine/nn/AutoencoderKL.h"
#include "training/TrainOptions.h"

#include <memory>
#include <torch/torch.h>

namespace md {

struct VaeLosses
{
    double total = 0, l1 = 0, l2 = 0, gradient = 0, kl = 0;
};

class VaeTrainer
{
public:
    VaeTrainer(nn::AutoencoderKL vae, const TrainOptions& options);

    // One optimiser step on images [B, 3, H, W] in [-1, 1].
    VaeLosses step(const torch::Tensor& images, double lr);
    // The losses without a step (no gradients).
    VaeLosses evaluate(const torch::Tensor& images);

    torch::optim::AdamW& optimizer() { return *m_optimizer; }
    nn::AutoencoderKL& vae() { return m_vae; }

private:
    std::pair<torch::Tensor, VaeLosses> losses(const torch::Tensor& images);

    nn::AutoencoderKL m_vae;
    TrainOptions m_options;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
};

} // namespace md

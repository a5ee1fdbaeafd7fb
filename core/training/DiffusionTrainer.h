#pragma once

// Stage B: the UNet and the text encoder learn together to predict the noise added to VAE
// latents (epsilon objective, the SD scaled_linear schedule, 1000 steps), with caption
// dropout handled by the caller (empty captions) for classifier-free guidance.

#include "engine/io/ModelConfig.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"
#include "training/EmaWeights.h"
#include "training/NoisingProcess.h"
#include "training/TrainOptions.h"

#include <memory>
#include <torch/torch.h>

namespace md {

class DiffusionTrainer
{
public:
    DiffusionTrainer(nn::UNet2DConditionModel unet, nn::ClipTextModel text,
                     const SchedulerConfig& scheduler, const TrainOptions& options,
                     torch::Device device);

    // One optimiser step: latents [B, 4, h, w] (already scaled), ids [B, L]. Returns the
    // (weighted) loss.
    double step(const torch::Tensor& latents, const torch::Tensor& ids, double lr);
    // The plain epsilon MSE at fixed timesteps, without a step (for logs and tests).
    double evaluate(const torch::Tensor& latents, const torch::Tensor& ids,
                    const torch::Tensor& timesteps, const torch::Tensor& noise);

    // decay 0: the options' decay.
    void updateEma(double decay = 0);
    // Exchanges live and EMA weights in both modules (call again to undo); no-op without EMA.
    void swapEma();

    torch::optim::AdamW& optimizer() { return *m_optimizer; }
    nn::UNet2DConditionModel& unet() { return m_unet; }
    nn::ClipTextModel& text() { return m_text; }
    const NoisingProcess& noising() const { return m_noising; }

private:
    nn::UNet2DConditionModel m_unet;
    nn::ClipTextModel m_text;
    NoisingProcess m_noising;
    TrainOptions m_options;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<torch::Tensor> m_params;
    EmaWeights m_emaUnet;
    EmaWeights m_emaText;
};

} // namespace md

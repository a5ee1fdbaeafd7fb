#pragma once

// Latent consistency distillation (Luo et al. 2023, LCM) of an embedded
// model into its few-step "lcm" variant, written from the paper's algorithm.
//
//  - teacher: the model's UNet, frozen, with its frozen text encoder;
//  - student: a copy of the teacher's UNet (same architecture, no guidance embedding: the
//    guidance scale w is baked in, as in LCM-LoRA), trained with AdamW;
//  - target: an exponential moving average of the student (decay 0.95), no gradient.
// Each step draws latents from a LatentPool fed by the stage-B scene generator and the
// model's VAE, picks a point n of the 50-point skipping schedule per sample, noises the
// latents to t_n, lets the teacher take one classifier-free-guided DDIM step t_n -> t_{n-1}
// (conditional and unconditional in one batch; unconditional = the empty caption), and
// pulls the student's consistency output f(x_{t_n}, t_n) towards the target's
// f(x_{t_{n-1}}, t_{n-1}) with a pseudo-Huber loss. The result is a UNet with the teacher's
// config, written in float16 as unet/diffusion_pytorch_model.lcm.safetensors. DistillRun
// drives it (`mdtrain distil`).

#include "engine/Status.h"
#include "engine/nn/AutoencoderKL.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"
#include "training/CaptionTokenizer.h"
#include "training/ConsistencyDistillOptions.h"
#include "training/ConsistencySchedule.h"
#include "training/LatentPool.h"
#include "training/NoisingProcess.h"
#include "training/SceneGenerator.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace md {

// What one step computed (loss and the batch's tensors, for tests and logs).
struct DistillStep
{
    double loss = 0;
    torch::Tensor n;       // [B] schedule points
    torch::Tensor xt;      // [B, C, h, w] noised latents at t_n
    torch::Tensor xPrev;   // the teacher's DDIM step to t_{n-1}
    torch::Tensor target;  // the target network's f(x_{t_{n-1}}, t_{n-1})
    torch::Tensor student; // the student's f(x_{t_n}, t_n), before the update
};

class ConsistencyDistiller
{
public:
    using Log = std::function<void(const std::string&)>;

    explicit ConsistencyDistiller(ConsistencyDistillOptions options, Log log = {});
    ~ConsistencyDistiller();

    // Loads the teacher, copies it into the student and the target, fills the latent pool.
    Status prepare();
    // One optimiser step on a fresh batch (pool refresh included).
    DistillStep step();
    // out/unet/diffusion_pytorch_model.lcm.safetensors (the target network, float16) and
    // out/unet/config.json.
    Status exportTo(const std::string& outDir) const;
    // [2 * P or P, 3, S, S] in [-1, 1]: the student (LCM, CFG 1), then the teacher.
    torch::Tensor preview(const std::vector<std::string>& prompts, uint64_t seed);

    int stepsDone() const { return m_step; }
    double learningRate() const; // of the next step (linear warm-up, then constant)
    const ConsistencyDistillOptions& options() const { return m_opt; }
    torch::Device device() const { return m_device; }
    const ConsistencySchedule& schedule() const { return *m_schedule; }
    nn::UNet2DConditionModel teacher() const { return m_teacher; }
    nn::UNet2DConditionModel student() const { return m_student; }
    nn::UNet2DConditionModel target() const { return m_target; }
    // The teacher's guided DDIM step t_n -> t_{n-1} for conditional contexts `cond` [B, L, D]
    // (the unconditional one is the empty caption's).
    torch::Tensor teacherStep(const torch::Tensor& xt, const torch::Tensor& n,
                              const torch::Tensor& cond);
    // The text encoder's output for captions (no gradient).
    torch::Tensor encode(const std::vector<std::string>& captions);

    static const char* kVariantFile; // "diffusion_pytorch_model.lcm.safetensors"

private:
    void log(const std::string& line) const;
    void updateTarget();

    ConsistencyDistillOptions m_opt;
    Log m_log;
    torch::Device m_device = torch::kCPU;
    std::string m_unetConfig; // the teacher's unet/config.json text
    double m_scalingFactor = 1.0;
    int m_latentSize = 64;
    nn::UNet2DConditionModel m_teacher{nullptr};
    nn::UNet2DConditionModel m_student{nullptr};
    nn::UNet2DConditionModel m_target{nullptr};
    nn::ClipTextModel m_text{nullptr};
    nn::AutoencoderKL m_vae{nullptr};
    std::optional<CaptionTokenizer> m_tokenizer;
    std::optional<NoisingProcess> m_noising;
    std::optional<ConsistencySchedule> m_schedule;
    std::unique_ptr<SceneGenerator> m_generator;
    std::unique_ptr<LatentPool> m_pool;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<torch::Tensor> m_studentParams, m_targetParams;
    torch::Tensor m_uncond; // [1, L, D]
    int m_step = 0;
};

} // namespace md

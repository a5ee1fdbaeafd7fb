#pragma once

// `mdtrain lora`: trains low-rank adapters (run-time LoRA, nn::LowRankAdapter) on a frozen
// embedded model so that a trigger word draws one new concept (ConceptScenes). The base
// weights never change; the adapters train with AdamW on the epsilon objective over VAE
// latents of a fixed, seeded set of rendered samples, and are written as a kohya .safetensors
// file (LoraExport). Seeded and deterministic on the CPU.

#include "engine/Status.h"
#include "engine/nn/AutoencoderKL.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"
#include "training/CaptionTokenizer.h"
#include "training/LoraExport.h"
#include "training/LoraTrainOptions.h"
#include "training/NoisingProcess.h"

#include <ATen/core/Generator.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <torch/torch.h>
#include <vector>

namespace md {

class LoraTrainer
{
public:
    using Log = std::function<void(const std::string&)>;

    explicit LoraTrainer(LoraTrainOptions options, Log log = {});

    // Loads the base model, renders and encodes the samples, attaches the adapters.
    Status prepare();
    // One optimiser step on a random batch; the (min-SNR weighted) loss.
    double step();
    // The plain epsilon MSE on the concept samples at fixed timesteps and noise (the same
    // every call), with the adapters on.
    double evaluate();
    // prepare, options.steps steps, export to options.out.
    Status run();
    Status exportTo(const std::string& path) const;
    // The preview prompts: the trigger twice, then three ordinary ones.
    std::vector<std::string> previewPrompts() const;
    // [2 * prompts, 3, size, size] in [-1, 1]: the prompts with the LoRA, then without.
    torch::Tensor sampleWithAndWithout(const std::vector<std::string>& prompts, int size,
                                       uint64_t seed);

    int stepsDone() const { return m_step; }
    int adaptedLayers() const { return int(m_targets.size()); }
    int64_t trainableParameters() const;
    const std::vector<LoraTarget>& targets() const { return m_targets; }
    LoraExportInfo exportInfo() const;

private:
    torch::Tensor contextOf(const torch::Tensor& sampleIndices); // [B, L, D]
    void log(const std::string& line) const;

    LoraTrainOptions m_opt;
    Log m_log;
    at::Generator m_gen; // every random draw of the run (seeded by options.seed)
    nn::UNet2DConditionModel m_unet{nullptr};
    nn::ClipTextModel m_text{nullptr};
    nn::AutoencoderKL m_vae{nullptr};
    double m_scalingFactor = 1.0;
    std::optional<CaptionTokenizer> m_tokenizer;
    std::optional<NoisingProcess> m_noising;
    std::vector<LoraTarget> m_targets;
    std::vector<torch::Tensor> m_params;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    torch::Tensor m_latents;  // [N, 4, h, w], scaled
    torch::Tensor m_ids;      // [N, L] token ids of the captions
    torch::Tensor m_contexts; // [N, L, D] when the text encoder is frozen
    std::vector<std::string> m_captions;
    torch::Tensor m_evalSamples, m_evalTimesteps, m_evalNoise;
    int m_step = 0;
};

} // namespace md

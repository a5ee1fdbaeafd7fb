#pragma once

// The layers `mdtrain lora` gives low-rank adapters, found by their module path in the
// diffusers / transformers naming the engine's modules use, and named as kohya-ss names them
// in a .safetensors file ("lora_unet_" or "lora_te_" + the path with '_' for '.'), so the
// engine's LoRA loader reads the trained file like any artist's.

#include "engine/Status.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"

#include <ATen/core/Generator.h>
#include <string>
#include <torch/nn/module.h>
#include <vector>

namespace md {

struct LoraTargetSet
{
    bool attention = true;     // attn1 / attn2: to_q, to_k, to_v, to_out.0 (text: q/k/v/out_proj)
    bool projections = false;  // Transformer2D proj_in / proj_out
    bool convolutions = false; // ResnetBlock2D conv1 / conv2 (LoCon): reaches the 32^2 and 64^2
                               // latent levels, where the UNet has no attention
};

// One adapted layer (exactly one of linear / conv is set) and its trainable factors.
struct LoraTarget
{
    std::string key; // "lora_unet_down_blocks_2_attentions_0_transformer_blocks_0_attn1_to_q"
    nn::LinearLayerImpl* linear = nullptr;
    nn::Conv2dLayerImpl* conv = nullptr;
    torch::Tensor down; // Linear [r, in]; Conv2d [r, in, k, k]
    torch::Tensor up;   // Linear [out, r]; Conv2d [out, r, 1, 1]
    double alpha = 0;
};

class LoraTargets
{
public:
    // The matching layers under `root` ("lora_unet" for the UNet, "lora_te" for the text
    // encoder), in module order, without adapters yet.
    static std::vector<LoraTarget> find(torch::nn::Module& root, const std::string& prefix,
                                        const LoraTargetSet& set);
    // kohya's key of a module path: prefix + "_" + path with '.' replaced by '_'.
    static std::string key(const std::string& prefix, const std::string& path);

    // Gives each target a trainable adapter in `slot`: down with torch.nn.Linear's default
    // initialisation (drawn from `generator`), up zero (so training starts from the base
    // model), alpha / rank scaling. Returns the trainable tensors.
    static std::vector<torch::Tensor> attach(std::vector<LoraTarget>& targets, int rank,
                                             double alpha, int slot, at::Generator generator);
    // Gives each target the adapter of a kohya file written by LoraExport (the trainer's own
    // reader, for its tests and previews; the engine reads artists' files with its loader).
    // An error names a target the file lacks.
    static Status load(std::vector<LoraTarget>& targets, const std::string& path, int slot);
    // Removes every adapter of the targets' layers.
    static void detach(std::vector<LoraTarget>& targets);
};

} // namespace md

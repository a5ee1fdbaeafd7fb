#pragma once

// Test LoRA files for a model's networks, written with SafetensorsWriter: random low-rank
// weights shaped for the layers of the given modules (any torch module tree whose parameter
// names are diffusers / transformers names, e.g. StableDiffusionModel's unetModule() and
// textModule()), in kohya or PEFT naming. Targets, as kohya's LoRA picks them: the UNet's
// attention projections, feed-forward layers and proj_in / proj_out; with `resnetConvs` also
// the resnets' conv1 / conv2 (3x3: LoCon, `cp` for LyCORIS' CP form); the text encoders'
// q/k/v/out_proj and mlp fc1 / fc2.

#include "engine/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <torch/nn/module.h>
#include <vector>

namespace md::test {

enum class TestLoraNaming { Kohya, Peft };

struct TestLoraOptions
{
    TestLoraNaming naming = TestLoraNaming::Kohya;
    int rank = 4;
    float alpha = 0.0f; // written as .alpha (kohya only) when > 0
    bool unet = true;
    bool textEncoders = true;
    bool resnetConvs = false; // LoCon: kxk conv downs on the resnets' conv1 / conv2
    bool cp = false;          // with resnetConvs: LyCORIS CP (1x1 down, kxk mid, 1x1 up)
    bool dora = false;        // kohya .dora_scale [out, 1...] / PEFT .lora_magnitude_vector
    double stddev = 0.1;      // of the random down / up entries
    uint64_t seed = 1;
    std::map<std::string, std::string> metadata;
    // Extra tensors (e.g. unknown keys) written as they are.
    std::vector<std::pair<std::string, torch::Tensor>> extraTensors;
};

struct TestLoraTargets
{
    torch::nn::Module* unet = nullptr;
    torch::nn::Module* textEncoder = nullptr;
    torch::nn::Module* textEncoder2 = nullptr; // SDXL: kohya names lora_te1_ / lora_te2_
};

// Writes the file; returns our module paths that it covers ("unet.…", "text_encoder.…").
Result<std::vector<std::string>> writeTestLora(const std::string& path,
                                               const TestLoraTargets& targets,
                                               const TestLoraOptions& options = {});

} // namespace md::test

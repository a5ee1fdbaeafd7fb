#pragma once

// Builds the three networks from a ModelConfig and, for the loaders, fills them from a
// Checkpoint's WeightSets. Errors (an inconsistent config, a missing or mis-shaped tensor)
// come back as values naming the component and the tensor.

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"
#include "engine/io/WeightSet.h"
#include "engine/nn/AutoencoderKL.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/UNet2DConditionModel.h"
#include "engine/nn/WeightLoading.h"

#include <torch/types.h>

namespace md::nn {

// With `initialize` the parameters take PyTorch's default initialisation (for training from
// scratch); without, they are left uninitialised for a loader to fill.
Result<UNet2DConditionModel> createUNet(const UNetConfig& config, bool initialize = true);
Result<AutoencoderKL> createVae(const VaeConfig& config, bool initialize = true);
Result<ClipTextModel> createTextEncoder(const TextEncoderConfig& config, bool initialize = true);

// create + loadWeights(dtype, device), in eval mode. `report` receives unused tensors.
Result<UNet2DConditionModel> loadUNet(const UNetConfig& config, const WeightSet& weights,
                                      torch::Dtype dtype, torch::Device device = torch::kCPU,
                                      WeightLoadReport* report = nullptr);
Result<AutoencoderKL> loadVae(const VaeConfig& config, const WeightSet& weights, torch::Dtype dtype,
                              torch::Device device = torch::kCPU,
                              WeightLoadReport* report = nullptr);
Result<ClipTextModel> loadTextEncoder(const TextEncoderConfig& config, const WeightSet& weights,
                                      torch::Dtype dtype, torch::Device device = torch::kCPU,
                                      WeightLoadReport* report = nullptr);

// Total number of parameter elements.
int64_t parameterCount(const torch::nn::Module& module);

} // namespace md::nn

#pragma once

// Writes trained adapters as a kohya-ss LoRA .safetensors file, the format artists' LoRAs
// come in: for each adapted layer "<key>.lora_down.weight" ([r, in] or [r, in, k, k]),
// "<key>.lora_up.weight" ([out, r] or [out, r, 1, 1]) and "<key>.alpha" (a scalar), plus the
// ss_* metadata kohya's trainer writes, among them ss_tag_frequency (the caption words and
// how often they were seen: where the app's LoRA browser finds the trigger word).

#include "engine/Status.h"
#include "training/LoraTargets.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace md {

struct LoraExportInfo
{
    std::string name;                        // ss_output_name
    std::string baseModel;                   // ss_sd_model_name, e.g. "mds-tiny"
    std::string dataset = "concept";         // the ss_tag_frequency folder name
    std::map<std::string, int> tagFrequency; // caption tag -> count seen in training
    int rank = 4;
    double alpha = 4;
    int steps = 0;
    uint64_t seed = 0;
    int resolution = 0;
    double learningRate = 0;
    std::string targets; // "attention", "attention, convolutions", ...
};

class LoraExport
{
public:
    // The metadata block (all values are strings, as in safetensors).
    static std::map<std::string, std::string> metadata(const LoraExportInfo& info);
    // ss_tag_frequency's JSON: {"<dataset>": {"<tag>": count, ...}}.
    static std::string tagFrequencyJson(const std::string& dataset,
                                        const std::map<std::string, int>& counts);
    // The tensors of the file, in the targets' order.
    static std::vector<std::pair<std::string, torch::Tensor>>
    tensors(const std::vector<LoraTarget>& targets);
    // Writes the file (atomically); `storeAs` converts the factors (default float32).
    static Status write(const std::string& path, const std::vector<LoraTarget>& targets,
                        const LoraExportInfo& info,
                        std::optional<torch::Dtype> storeAs = std::nullopt);
};

} // namespace md

#include "training/LoraExport.h"

#include "engine/io/SafetensorsWriter.h"

#include <nlohmann/json.hpp>
#include <sstream>
#include <torch/torch.h>

namespace md {

std::string LoraExport::tagFrequencyJson(const std::string& dataset,
                                         const std::map<std::string, int>& counts)
{
    nlohmann::json tags = nlohmann::json::object();
    for (const auto& [tag, n] : counts)
        tags[tag] = n;
    nlohmann::json out = nlohmann::json::object();
    out[dataset] = tags;
    return out.dump();
}

std::map<std::string, std::string> LoraExport::metadata(const LoraExportInfo& info)
{
    auto number = [](double v) {
        std::ostringstream s;
        s << v;
        return s.str();
    };
    std::map<std::string, std::string> m;
    m["ss_output_name"] = info.name;
    m["ss_sd_model_name"] = info.baseModel;
    m["ss_network_module"] = "networks.lora";
    m["ss_network_dim"] = std::to_string(info.rank);
    m["ss_network_alpha"] = number(info.alpha);
    m["ss_max_train_steps"] = std::to_string(info.steps);
    m["ss_steps"] = std::to_string(info.steps);
    m["ss_seed"] = std::to_string(info.seed);
    m["ss_resolution"] =
        "(" + std::to_string(info.resolution) + ", " + std::to_string(info.resolution) + ")";
    m["ss_learning_rate"] = number(info.learningRate);
    m["ss_tag_frequency"] = tagFrequencyJson(info.dataset, info.tagFrequency);
    m["md_trainer"] = "mdtrain lora";
    m["md_targets"] = info.targets;
    return m;
}

std::vector<std::pair<std::string, torch::Tensor>>
LoraExport::tensors(const std::vector<LoraTarget>& targets)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const LoraTarget& t : targets) {
        out.emplace_back(t.key + ".lora_down.weight", t.down.detach().contiguous());
        out.emplace_back(t.key + ".lora_up.weight", t.up.detach().contiguous());
        out.emplace_back(t.key + ".alpha", torch::scalar_tensor(t.alpha, torch::kFloat32));
    }
    return out;
}

Status LoraExport::write(const std::string& path, const std::vector<LoraTarget>& targets,
                         const LoraExportInfo& info, std::optional<torch::Dtype> storeAs)
{
    if (targets.empty())
        return Status::error("no adapted layers to write to " + path);
    return writeSafetensors(path, tensors(targets), metadata(info),
                            storeAs ? storeAs : std::optional<torch::Dtype>(torch::kFloat32));
}

} // namespace md

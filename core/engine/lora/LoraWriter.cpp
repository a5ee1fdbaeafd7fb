#include "engine/lora/LoraWriter.h"

#include "engine/io/SafetensorsWriter.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"

#include <torch/torch.h>
#include <utility>
#include <vector>

namespace md::lora {

namespace {

using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;

void addAdapters(Tensors& out, const std::string& prefix,
                 const std::shared_ptr<torch::nn::Module>& network, int slot)
{
    for (const auto& item : network->named_modules("", false)) {
        const std::vector<nn::LowRankAdapter>* adapters = nullptr;
        if (auto* linear = dynamic_cast<nn::LinearLayerImpl*>(item.value().get()))
            adapters = &linear->adapters;
        else if (auto* conv = dynamic_cast<nn::Conv2dLayerImpl*>(item.value().get()))
            adapters = &conv->adapters;
        if (adapters == nullptr)
            continue;
        for (const auto& a : *adapters) {
            if (a.slot != slot)
                continue;
            const std::string base = prefix + underscored(item.key());
            auto cpu = [](const torch::Tensor& t) { return t.detach().to(torch::kCPU); };
            out.emplace_back(base + ".lora_down.weight", cpu(a.down));
            out.emplace_back(base + ".lora_up.weight", cpu(a.up));
            if (a.mid.defined())
                out.emplace_back(base + ".lora_mid.weight", cpu(a.mid));
            const double rank = static_cast<double>(a.down.size(0));
            out.emplace_back(base + ".alpha",
                             torch::tensor(static_cast<float>(a.alphaOverRank * rank)));
            if (a.doraMagnitude.defined()) {
                std::vector<int64_t> shape(static_cast<size_t>(a.up.dim()), 1);
                shape[0] = a.up.size(0);
                out.emplace_back(base + ".dora_scale", cpu(a.doraMagnitude).reshape(shape));
            }
            break; // one adapter per layer and slot
        }
    }
}

} // namespace

Status saveLora(const LoraTargets& targets, int slot, const std::string& path,
                const std::map<std::string, std::string>& metadata,
                std::optional<torch::Dtype> storeAs)
{
    Tensors tensors;
    addAdapters(tensors, "lora_unet_", targets.unet.ptr(), slot);
    const bool sdxl = static_cast<bool>(targets.text2);
    addAdapters(tensors, sdxl ? "lora_te1_" : "lora_te_", targets.text.ptr(), slot);
    if (sdxl)
        addAdapters(tensors, "lora_te2_", targets.text2.ptr(), slot);
    if (tensors.empty())
        return Status::error("no LoRA adapter of slot " + std::to_string(slot) +
                             " on the model's layers: nothing to save to " + path);
    return writeSafetensors(path, tensors, metadata, storeAs);
}

} // namespace md::lora

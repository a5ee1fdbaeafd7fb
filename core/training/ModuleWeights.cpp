#include "training/ModuleWeights.h"

#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

namespace md {

std::vector<std::pair<std::string, torch::Tensor>>
ModuleWeights::named(const torch::nn::Module& module)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : module.named_parameters(true))
        out.emplace_back(p.key(), p.value().detach());
    for (const auto& b : module.named_buffers(true))
        out.emplace_back(b.key(), b.value().detach());
    return out;
}

Status ModuleWeights::save(const std::string& path, const torch::nn::Module& module,
                           std::optional<torch::Dtype> storeAs,
                           const std::map<std::string, std::string>& metadata)
{
    try {
        return writeSafetensors(path, named(module), metadata, storeAs);
    } catch (const std::exception& e) {
        return Status::error("writing " + path + ": " + e.what());
    }
}

Status ModuleWeights::load(const std::string& path, torch::nn::Module& module)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.status();
    try {
        torch::NoGradGuard noGrad;
        for (auto& [name, tensor] : named(module)) {
            const auto* info = (*file)->find(name);
            if (!info)
                return Status::error(path + ": tensor " + name + " is missing");
            if (info->shape != tensor.sizes().vec())
                return Status::error(path + ": tensor " + name + " has another shape than the " +
                                     "model expects");
            auto value = (*file)->load(name, torch::kFloat32);
            if (!value)
                return value.status();
            tensor.copy_(value->to(tensor.device(), tensor.scalar_type()));
        }
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("reading " + path + ": " + e.what());
    }
}

Result<std::map<std::string, std::string>> ModuleWeights::metadata(const std::string& path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.status();
    return (*file)->metadata();
}

} // namespace md

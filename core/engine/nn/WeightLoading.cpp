#include "engine/nn/WeightLoading.h"

#include <c10/core/InferenceMode.h>
#include <sstream>
#include <torch/torch.h>
#include <unordered_set>

namespace md::nn {

namespace {

constexpr size_t kMaxListed = 5;

std::string joinFirst(const std::vector<std::string>& items, size_t limit,
                      const std::string& separator)
{
    std::ostringstream out;
    for (size_t i = 0; i < items.size() && i < limit; ++i)
        out << (i ? separator : "") << items[i];
    if (items.size() > limit)
        out << separator << "... (" << items.size() - limit << " more)";
    return out.str();
}

} // namespace

std::string shapeString(torch::IntArrayRef shape)
{
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

std::string WeightLoadReport::warning(const std::string& component) const
{
    if (unused.empty())
        return {};
    return component + ": " + std::to_string(unused.size()) +
           " tensor(s) of the checkpoint are not used: " + joinFirst(unused, kMaxListed, ", ");
}

Status loadWeights(torch::nn::Module& module, const WeightSet& weights,
                   const std::string& component, torch::Dtype dtype, torch::Device device,
                   WeightLoadReport* report)
{
    try {
        // Parameters created here must be ordinary tensors even inside the caller's
        // InferenceMode (they may be trained later).
        c10::InferenceMode normalMode(false);

        std::vector<std::pair<std::string, torch::Tensor>> targets;
        for (const auto& item : module.named_parameters(/*recurse=*/true))
            targets.emplace_back(item.key(), item.value());
        for (const auto& item : module.named_buffers(/*recurse=*/true))
            targets.emplace_back(item.key(), item.value());

        std::vector<std::string> missing;
        std::vector<std::string> mismatched;
        std::unordered_set<std::string> used;
        for (const auto& [name, tensor] : targets) {
            used.insert(name);
            if (!weights.contains(name)) {
                missing.push_back(name);
                continue;
            }
            auto shape = weights.shape(name);
            if (torch::IntArrayRef(shape) != tensor.sizes())
                mismatched.push_back(weights.describe(name) + " has shape " + shapeString(shape) +
                                     ", the detected architecture expects " +
                                     shapeString(tensor.sizes()));
        }
        if (!missing.empty() || !mismatched.empty()) {
            std::ostringstream message;
            message << component << ": ";
            if (!mismatched.empty())
                message << joinFirst(mismatched, kMaxListed, "; ");
            if (!missing.empty()) {
                if (!mismatched.empty())
                    message << "; and ";
                message << missing.size() << " of " << targets.size()
                        << " tensors the architecture needs are missing from the checkpoint: "
                        << joinFirst(missing, kMaxListed, ", ");
            }
            message << " (is this a Stable Diffusion " << component << " of the detected family?)";
            return Status::error(message.str());
        }

        torch::NoGradGuard noGrad;
        for (auto& [name, tensor] : targets) {
            auto loaded = weights.load(name, dtype);
            if (!loaded)
                return loaded.status().withContext(component);
            auto value = std::move(loaded).value();
            if (value.device() != device)
                value = value.to(device);
            tensor.set_data(value);
        }

        if (report) {
            report->loaded = targets.size();
            report->unused.clear();
            for (const auto& name : weights.names())
                if (!used.count(name))
                    report->unused.push_back(name);
        }
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error(component + ": loading the weights failed: " + e.what());
    }
}

} // namespace md::nn

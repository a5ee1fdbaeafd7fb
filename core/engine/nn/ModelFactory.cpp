#include "engine/nn/ModelFactory.h"

#include "engine/nn/ParameterInit.h"

#include <optional>
#include <torch/torch.h>

namespace md::nn {

namespace {

std::string firstLine(const std::string& text)
{
    auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

template <typename Holder, typename Config>
Result<Holder> create(const Config& config, bool initialize, const char* what)
{
    try {
        std::optional<SkipParameterInit> skip;
        if (!initialize)
            skip.emplace();
        return Holder(config);
    } catch (const c10::Error& e) {
        return Status::error(std::string(what) + ": " + firstLine(e.what_without_backtrace()));
    } catch (const std::exception& e) {
        return Status::error(std::string(what) + ": " + e.what());
    }
}

template <typename Holder, typename Config>
Result<Holder> createAndLoad(const Config& config, const WeightSet& weights, torch::Dtype dtype,
                             torch::Device device, WeightLoadReport* report,
                             const std::string& component)
{
    auto module = create<Holder>(config, /*initialize=*/false, component.c_str());
    if (!module)
        return module.status();
    Holder holder = std::move(module).value();
    if (auto status = loadWeights(*holder, weights, component, dtype, device, report); !status)
        return status;
    holder->eval();
    return holder;
}

} // namespace

Result<UNet2DConditionModel> createUNet(const UNetConfig& config, bool initialize)
{
    return create<UNet2DConditionModel>(config, initialize, "unet");
}

Result<AutoencoderKL> createVae(const VaeConfig& config, bool initialize)
{
    return create<AutoencoderKL>(config, initialize, "vae");
}

Result<ClipTextModel> createTextEncoder(const TextEncoderConfig& config, bool initialize)
{
    return create<ClipTextModel>(config, initialize, "text_encoder");
}

Result<UNet2DConditionModel> loadUNet(const UNetConfig& config, const WeightSet& weights,
                                      torch::Dtype dtype, torch::Device device,
                                      WeightLoadReport* report)
{
    return createAndLoad<UNet2DConditionModel>(config, weights, dtype, device, report, "unet");
}

Result<AutoencoderKL> loadVae(const VaeConfig& config, const WeightSet& weights, torch::Dtype dtype,
                              torch::Device device, WeightLoadReport* report)
{
    return createAndLoad<AutoencoderKL>(config, weights, dtype, device, report, "vae");
}

Result<ClipTextModel> loadTextEncoder(const TextEncoderConfig& config, const WeightSet& weights,
                                      torch::Dtype dtype, torch::Device device,
                                      WeightLoadReport* report)
{
    return createAndLoad<ClipTextModel>(config, weights, dtype, device, report, "text_encoder");
}

int64_t parameterCount(const torch::nn::Module& module)
{
    int64_t count = 0;
    for (const auto& p : module.parameters())
        count += p.numel();
    return count;
}

} // namespace md::nn

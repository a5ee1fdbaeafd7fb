#include "LoraBenchUNet.h"

#include "engine/io/DiffusersConfig.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"

#include <fstream>
#include <torch/torch.h>

namespace md::bench {

namespace {

bool isTarget(const std::string& name)
{
    for (const char* s : {".to_q", ".to_k", ".to_v", ".to_out.0", ".ff.net.0.proj", ".ff.net.2",
                          ".proj_in", ".proj_out"}) {
        const std::string suffix = s;
        if (name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return true;
    }
    return false;
}

} // namespace

Result<UNetConfig> loraBenchShapes(const std::string& shapes)
{
    UNetConfig config; // SD 1.5's shapes
    if (shapes == "sd15")
        return config;
    if (shapes == "fixture") {
        config.blockOutChannels = {32, 64, 64, 64};
        config.crossAttentionDim = 32;
        return config;
    }
    std::ifstream file(shapes);
    const auto json = file ? nlohmann::json::parse(file, nullptr, false) : nlohmann::json();
    if (!json.is_object())
        return Status::error("--shapes " + shapes +
                             ": not sd15, fixture or a readable diffusers UNet config.json");
    return unetConfigFromJson(json, shapes);
}

int64_t attachRandomAdapters(torch::nn::Module& unet, int slot, int64_t r)
{
    torch::NoGradGuard noGrad;
    int64_t count = 0;
    for (const auto& item : unet.named_modules("", false)) {
        if (!isTarget(item.key()))
            continue;
        md::nn::LowRankAdapter a;
        a.slot = slot;
        a.alphaOverRank = 1.0;
        if (auto* linear = dynamic_cast<md::nn::LinearLayerImpl*>(item.value().get())) {
            const auto o = linear->weight.options().requires_grad(false);
            a.down = torch::randn({r, linear->weight.size(1)}, o) * 0.03;
            a.up = torch::randn({linear->weight.size(0), r}, o) * 0.03;
            linear->adapters.push_back(a);
        } else if (auto* conv = dynamic_cast<md::nn::Conv2dLayerImpl*>(item.value().get())) {
            const auto o = conv->weight.options().requires_grad(false);
            a.down = torch::randn({r, conv->weight.size(1), 1, 1}, o) * 0.03;
            a.up = torch::randn({conv->weight.size(0), r, 1, 1}, o) * 0.03;
            conv->adapters.push_back(a);
        } else {
            continue;
        }
        count += a.down.numel() + a.up.numel();
    }
    return count;
}

void restackAllAdapters(torch::nn::Module& unet)
{
    for (const auto& m : unet.modules(false)) {
        if (auto* linear = dynamic_cast<md::nn::LinearLayerImpl*>(m.get()))
            linear->restackAdapters();
        else if (auto* conv = dynamic_cast<md::nn::Conv2dLayerImpl*>(m.get()))
            conv->restackAdapters();
    }
}

} // namespace md::bench

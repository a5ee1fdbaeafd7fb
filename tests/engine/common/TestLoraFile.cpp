#include "engine/common/TestLoraFile.h"

#include "engine/io/SafetensorsWriter.h"

#include <torch/torch.h>

namespace md::test {

namespace {

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isUNetTarget(const std::string& module, bool resnetConvs)
{
    for (const char* s : {".to_q", ".to_k", ".to_v", ".to_out.0", ".ff.net.0.proj", ".ff.net.2",
                          ".proj_in", ".proj_out"})
        if (endsWith(module, s))
            return true;
    return resnetConvs && module.find(".resnets.") != std::string::npos &&
           (endsWith(module, ".conv1") || endsWith(module, ".conv2"));
}

bool isTextTarget(const std::string& module)
{
    for (const char* s : {".q_proj", ".k_proj", ".v_proj", ".out_proj", ".mlp.fc1", ".mlp.fc2"})
        if (endsWith(module, s))
            return true;
    return false;
}

std::string underscored(std::string s)
{
    for (char& c : s)
        if (c == '.')
            c = '_';
    return s;
}

} // namespace

Result<std::vector<std::string>> writeTestLora(const std::string& path,
                                               const TestLoraTargets& targets,
                                               const TestLoraOptions& options)
{
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(options.seed);
    auto randn = [&](std::vector<int64_t> shape) {
        return at::normal(0.0, options.stddev, shape, generator);
    };
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    std::vector<std::string> paths;
    const bool sdxl = targets.textEncoder2 != nullptr;
    struct Component
    {
        torch::nn::Module* module;
        std::string name;  // our component name
        std::string kohya; // kohya prefix
        bool unet;
    };
    std::vector<Component> components;
    if (options.unet && targets.unet)
        components.push_back({targets.unet, "unet", "lora_unet_", true});
    if (options.textEncoders && targets.textEncoder)
        components.push_back(
            {targets.textEncoder, "text_encoder", sdxl ? "lora_te1_" : "lora_te_", false});
    if (options.textEncoders && targets.textEncoder2)
        components.push_back({targets.textEncoder2, "text_encoder_2", "lora_te2_", false});

    const bool kohya = options.naming == TestLoraNaming::Kohya;
    const int64_t r = options.rank;
    for (const auto& c : components) {
        for (const auto& p : c.module->named_parameters(true)) {
            if (!endsWith(p.key(), ".weight"))
                continue;
            const std::string module = p.key().substr(0, p.key().size() - 7);
            const auto& w = p.value();
            if (w.dim() != 2 && w.dim() != 4)
                continue;
            if (c.unet ? !isUNetTarget(module, options.resnetConvs) : !isTextTarget(module))
                continue;
            const int64_t out = w.size(0);
            const int64_t in = w.size(1);
            const bool conv = w.dim() == 4;
            const int64_t k = conv ? w.size(2) : 1;
            const std::string base = kohya ? c.kohya + underscored(module) : c.name + "." + module;
            const std::string downName = base + (kohya ? ".lora_down.weight" : ".lora_A.weight");
            const std::string upName = base + (kohya ? ".lora_up.weight" : ".lora_B.weight");
            if (!conv) {
                tensors.emplace_back(downName, randn({r, in}));
                tensors.emplace_back(upName, randn({out, r}));
            } else if (options.cp && k > 1) {
                tensors.emplace_back(downName, randn({r, in, 1, 1}));
                tensors.emplace_back(base + ".lora_mid.weight", randn({r, r, k, k}));
                tensors.emplace_back(upName, randn({out, r, 1, 1}));
            } else {
                tensors.emplace_back(downName, randn({r, in, k, k}));
                tensors.emplace_back(upName, randn({out, r, 1, 1}));
            }
            if (kohya && options.alpha > 0)
                tensors.emplace_back(base + ".alpha", torch::tensor(options.alpha));
            if (options.dora) {
                // Around the weight's own row norms, so the rescale is a real change.
                auto norms = w.detach().to(torch::kFloat32).reshape({out, -1}).norm(2, {1});
                auto magnitude = norms * (1.0 + randn({out}));
                if (kohya) {
                    std::vector<int64_t> shape(static_cast<size_t>(w.dim()), 1);
                    shape[0] = out;
                    tensors.emplace_back(base + ".dora_scale", magnitude.reshape(shape));
                } else {
                    tensors.emplace_back(base + ".lora_magnitude_vector", magnitude);
                }
            }
            paths.push_back(c.name + "." + module);
        }
    }
    for (const auto& extra : options.extraTensors)
        tensors.push_back(extra);
    if (Status s = writeSafetensors(path, tensors, options.metadata); !s)
        return s;
    return paths;
}

} // namespace md::test

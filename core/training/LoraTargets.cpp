#include "training/LoraTargets.h"

#include "engine/io/SafetensorsFile.h"
#include "engine/nn/LowRankAdapter.h"

#include <cmath>
#include <torch/torch.h>

namespace md {

namespace {

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

bool wanted(const std::string& path, bool isConv, const LoraTargetSet& set)
{
    if (isConv)
        return set.convolutions && contains(path, ".resnets.") &&
               (endsWith(path, ".conv1") || endsWith(path, ".conv2"));
    if (set.attention) {
        const bool unetAttention = (contains(path, ".attn1.") || contains(path, ".attn2.")) &&
                                   (endsWith(path, ".to_q") || endsWith(path, ".to_k") ||
                                    endsWith(path, ".to_v") || endsWith(path, ".to_out.0"));
        const bool textAttention = contains(path, ".self_attn.") &&
                                   (endsWith(path, ".q_proj") || endsWith(path, ".k_proj") ||
                                    endsWith(path, ".v_proj") || endsWith(path, ".out_proj"));
        if (unetAttention || textAttention)
            return true;
    }
    return set.projections && (endsWith(path, ".proj_in") || endsWith(path, ".proj_out"));
}

} // namespace

std::string LoraTargets::key(const std::string& prefix, const std::string& path)
{
    std::string out = prefix + "_" + path;
    for (size_t i = prefix.size(); i < out.size(); ++i)
        if (out[i] == '.')
            out[i] = '_';
    return out;
}

std::vector<LoraTarget> LoraTargets::find(torch::nn::Module& root, const std::string& prefix,
                                          const LoraTargetSet& set)
{
    std::vector<LoraTarget> out;
    for (const auto& item : root.named_modules("", /*include_self=*/false)) {
        auto* linear = dynamic_cast<nn::LinearLayerImpl*>(item.value().get());
        auto* conv = dynamic_cast<nn::Conv2dLayerImpl*>(item.value().get());
        if ((!linear && !conv) || !wanted(item.key(), conv != nullptr, set))
            continue;
        LoraTarget t;
        t.key = key(prefix, item.key());
        t.linear = linear;
        t.conv = conv;
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<torch::Tensor> LoraTargets::attach(std::vector<LoraTarget>& targets, int rank,
                                               double alpha, int slot, at::Generator generator)
{
    std::vector<torch::Tensor> params;
    for (LoraTarget& t : targets) {
        const torch::Tensor& w = t.linear ? t.linear->weight : t.conv->weight;
        const auto opts = w.options().requires_grad(false);
        const int64_t out = w.size(0), in = w.size(1);
        const int64_t r = std::min<int64_t>(rank, std::min(in, out));
        torch::Tensor down, up;
        if (t.linear) {
            down = torch::empty({r, in}, opts);
            up = torch::zeros({out, r}, opts);
        } else {
            down = torch::empty({r, in, w.size(2), w.size(3)}, opts);
            up = torch::zeros({out, r, 1, 1}, opts);
        }
        const double fanIn = double(down[0].numel());
        const double bound = 1.0 / std::sqrt(fanIn);
        down.uniform_(-bound, bound, generator);
        t.down = down.requires_grad_(true);
        t.up = up.requires_grad_(true);
        t.alpha = alpha;
        nn::LowRankAdapter a;
        a.slot = slot;
        a.down = t.down;
        a.up = t.up;
        a.alphaOverRank = alpha / double(r);
        (t.linear ? t.linear->adapters : t.conv->adapters).push_back(a);
        params.push_back(t.down);
        params.push_back(t.up);
    }
    return params;
}

Status LoraTargets::load(std::vector<LoraTarget>& targets, const std::string& path, int slot)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.status();
    for (LoraTarget& t : targets) {
        auto down = (*file)->load(t.key + ".lora_down.weight", torch::kFloat32);
        auto up = (*file)->load(t.key + ".lora_up.weight", torch::kFloat32);
        auto alpha = (*file)->load(t.key + ".alpha", torch::kFloat32);
        if (!down || !up || !alpha)
            return Status::error(path + " has no adapter " + t.key);
        t.down = *down;
        t.up = *up;
        t.alpha = alpha->item<double>();
        nn::LowRankAdapter a;
        a.slot = slot;
        a.down = t.down;
        a.up = t.up;
        a.alphaOverRank = t.alpha / double(t.down.size(0));
        (t.linear ? t.linear->adapters : t.conv->adapters).push_back(a);
    }
    return Status::ok();
}

void LoraTargets::detach(std::vector<LoraTarget>& targets)
{
    for (LoraTarget& t : targets)
        (t.linear ? t.linear->adapters : t.conv->adapters).clear();
}

} // namespace md

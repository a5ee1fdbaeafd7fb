#include "engine/lora/LoraAttachment.h"

#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/LowRankAdapter.h"

#include <algorithm>
#include <map>
#include <torch/torch.h>

namespace md::lora {

namespace {

struct Layer
{
    nn::LinearLayerImpl* linear = nullptr;
    nn::Conv2dLayerImpl* conv = nullptr;
    const torch::Tensor& weight() const { return linear ? linear->weight : conv->weight; }
    std::vector<nn::LowRankAdapter>& adapters() const
    {
        return linear ? linear->adapters : conv->adapters;
    }
    void restack() const
    {
        if (linear)
            linear->restackAdapters();
        else
            conv->restackAdapters();
    }
};

void collect(std::map<std::string, Layer>& layers, const std::string& component,
             const std::shared_ptr<torch::nn::Module>& module)
{
    if (!module)
        return;
    for (const auto& item : module->named_modules("", false)) {
        Layer layer;
        layer.linear = dynamic_cast<nn::LinearLayerImpl*>(item.value().get());
        layer.conv = dynamic_cast<nn::Conv2dLayerImpl*>(item.value().get());
        if (layer.linear || layer.conv)
            layers.emplace(component + "." + item.key(), layer);
    }
}

std::map<std::string, Layer> layersOf(const LoraTargets& t)
{
    std::map<std::string, Layer> layers;
    collect(layers, "unet", t.unet.ptr());
    collect(layers, "text_encoder", t.text.ptr());
    if (t.text2)
        collect(layers, "text_encoder_2", t.text2.ptr());
    return layers;
}

std::string shapeOf(const torch::Tensor& t)
{
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i)
        s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
}

bool isOneByOne(const torch::Tensor& t)
{
    return t.dim() == 2 || (t.dim() == 4 && t.size(2) == 1 && t.size(3) == 1);
}

// The module's weights shaped for `layer` (float32, CPU), or an error naming the module.
Result<nn::LowRankAdapter> shapedAdapter(const LoraFile& file, const LoraModuleWeights& m,
                                         const Layer& layer)
{
    const auto& w = layer.weight();
    const int64_t out = w.size(0);
    const int64_t in = w.size(1);
    const int64_t r = m.rank();
    auto fail = [&](const std::string& what) {
        return Status::error(file.path() + ": module " + m.path + ": " + what +
                             " (the layer's weight is " + shapeOf(w) + ")");
    };
    nn::LowRankAdapter a;
    a.alphaOverRank = m.alphaOverRank;
    if (!isOneByOne(m.up) || m.up.size(0) != out || m.up.size(1) != r)
        return fail("the up weight is " + shapeOf(m.up));
    if (layer.linear) {
        if (m.mid.defined() ? !isOneByOne(m.mid) : false)
            return fail("a kxk mid weight on a Linear layer");
        if (!isOneByOne(m.down) || m.down.size(1) != in)
            return fail("the down weight is " + shapeOf(m.down));
        a.down = m.down.reshape({r, in});
        a.up = m.up.reshape({out, r});
        if (m.mid.defined())
            a.mid = m.mid.reshape({r, r});
    } else {
        const int64_t k = w.size(2);
        if (m.mid.defined()) {
            if (!isOneByOne(m.down) || m.down.size(1) != in || m.mid.dim() != 4 ||
                m.mid.size(2) != k || m.mid.size(3) != w.size(3))
                return fail("the down / mid weights are " + shapeOf(m.down) + " / " +
                            shapeOf(m.mid));
            a.down = m.down.reshape({r, in, 1, 1});
            a.mid = m.mid;
        } else if (m.down.dim() == 2 && k == 1 && m.down.size(1) == in) {
            a.down = m.down.reshape({r, in, 1, 1});
        } else if (m.down.dim() != 4 || m.down.size(1) != in || m.down.size(2) != k ||
                   m.down.size(3) != w.size(3)) {
            return fail("the down weight is " + shapeOf(m.down));
        } else {
            a.down = m.down;
        }
        a.up = m.up.reshape({out, r, 1, 1});
    }
    if (m.doraScale.defined()) {
        if (m.doraScale.numel() != out || m.doraScale.size(0) != out)
            return fail("its DoRA magnitude " + shapeOf(m.doraScale) +
                        " is per input channel; only per-output-channel DoRA is supported");
        a.doraMagnitude = m.doraScale.reshape({out});
    }
    return a;
}

bool isReleasedFamily(const std::string& name)
{
    return name == "SD 1.x" || name == "SD 2.x" || name == "SDXL";
}

// Each module with its layer and its adapter (float32, CPU), after all checks.
Result<std::vector<std::pair<Layer, nn::LowRankAdapter>>> prepare(const LoraTargets& targets,
                                                                  const LoraFile& file)
{
    const std::string model = familyName(targets.family);
    const bool modelReleased = targets.family == ModelFamily::SD1 ||
                               targets.family == ModelFamily::SD2 ||
                               targets.family == ModelFamily::SDXL;
    if (modelReleased && (isReleasedFamily(file.family()) || file.family() == "embedded") &&
        file.family() != model)
        return Status::error(file.path() + ": this is a LoRA for " + file.family() +
                             " models; the loaded model is " + model);
    const auto layers = layersOf(targets);
    std::vector<std::pair<Layer, nn::LowRankAdapter>> out;
    for (const auto& m : file.modules()) {
        auto it = layers.find(m.path);
        if (it == layers.end())
            return Status::error(file.path() + ": module " + m.path +
                                 " is not a layer of the loaded " + model +
                                 " model (a LoRA for another architecture?)");
        auto adapter = shapedAdapter(file, m, it->second);
        if (!adapter)
            return adapter.status();
        out.emplace_back(it->second, std::move(adapter.value()));
    }
    return out;
}

} // namespace

LoraModuleTable LoraTargets::moduleTable() const
{
    return LoraModuleTable::of(*unet, *text, text2 ? text2.get() : nullptr);
}

Status checkLoraFits(const LoraTargets& targets, const LoraFile& file)
{
    auto prepared = prepare(targets, file);
    return prepared ? Status::ok() : prepared.status();
}

Status attachLora(const LoraTargets& targets, const LoraFile& file, int slot)
{
    if (slot < 0)
        return Status::error("LoRA slot " + std::to_string(slot) + " is not a slot");
    auto prepared = prepare(targets, file);
    if (!prepared)
        return prepared.status();
    for (auto& [layer, adapter] : prepared.value()) {
        const auto options = layer.weight().options().requires_grad(false);
        adapter.slot = slot;
        for (auto* t : {&adapter.down, &adapter.mid, &adapter.up, &adapter.doraMagnitude})
            if (t->defined())
                *t = t->to(options);
        layer.adapters().push_back(std::move(adapter));
    }
    // The stacks for calls that mix LoRA sets, once per layer after all its adapters came.
    for (auto& [layer, adapter] : prepared.value())
        layer.restack();
    return Status::ok();
}

void detachLoras(const LoraTargets& targets, int slot)
{
    for (auto& [path, layer] : layersOf(targets)) {
        auto& adapters = layer.adapters();
        adapters.erase(std::remove_if(adapters.begin(), adapters.end(),
                                      [slot](const nn::LowRankAdapter& a) {
                                          return slot == kAllSlots || a.slot == slot;
                                      }),
                       adapters.end());
        layer.restack();
    }
}

Status mergeLora(const LoraTargets& targets, const LoraFile& file, float unetWeight,
                 float textWeight)
{
    auto prepared = prepare(targets, file);
    if (!prepared)
        return prepared.status();
    torch::NoGradGuard noGrad;
    size_t index = 0;
    for (auto& [layer, adapter] : prepared.value()) {
        const bool text = file.modules()[index++].isTextEncoder();
        const float w = text ? textWeight : unetWeight;
        if (w == 0.0f)
            continue;
        auto weight = layer.weight();
        const auto device = weight.device();
        for (auto* t : {&adapter.down, &adapter.mid, &adapter.up, &adapter.doraMagnitude})
            if (t->defined())
                *t = t->to(device, torch::kFloat32);
        auto merged = nn::mergedAdapterWeight(weight.to(torch::kFloat32), adapter,
                                              static_cast<double>(w) * adapter.alphaOverRank);
        weight.copy_(merged);
    }
    return Status::ok();
}

} // namespace md::lora

#include "engine/lora/LoraModuleTable.h"

#include "engine/io/LdmKeyMap.h"
#include "engine/io/ModelConfig.h"
#include "engine/io/TextHelpers.h"
#include "engine/nn/ClipTextModel.h"
#include "engine/nn/Conv2dLayer.h"
#include "engine/nn/LinearLayer.h"
#include "engine/nn/ParameterInit.h"
#include "engine/nn/UNet2DConditionModel.h"

#include <algorithm>
#include <cctype>
#include <torch/torch.h>

namespace md::lora {

namespace {

// Reads "<digits>_" at pos (or "<digits>" at the end); -1 when there are none.
int readNumber(const std::string& s, size_t& pos)
{
    size_t end = pos;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end])))
        ++end;
    if (end == pos || end - pos > 4)
        return -1;
    const int value = std::stoi(s.substr(pos, end - pos));
    pos = end < s.size() && s[end] == '_' ? end + 1 : end;
    return value;
}

// Narrow networks with the real structures: only the module names matter here.
UNetConfig narrowUNet(bool sdxl)
{
    UNetConfig c;
    c.normNumGroups = 4;
    c.crossAttentionDim = 8;
    c.numHeads = {1};
    if (sdxl) {
        c.blockOutChannels = {8, 8, 8};
        c.downBlockHasAttention = {false, true, true};
        c.upBlockHasAttention = {true, true, false};
        c.transformerLayersPerBlock = {1, 2, 10};
        c.useLinearProjection = true;
        c.additionEmbedType = "text_time";
        c.additionTimeEmbedDim = 4;
        c.projectionClassEmbeddingsInputDim = 8 + 6 * 4;
    } else {
        c.blockOutChannels = {8, 8, 8, 8};
    }
    return c;
}

TextEncoderConfig narrowText(bool projection)
{
    TextEncoderConfig c;
    c.vocabSize = 8;
    c.hiddenSize = 8;
    c.intermediateSize = 8;
    c.numHiddenLayers = 32;
    c.numAttentionHeads = 1;
    c.maxPositionEmbeddings = 4;
    c.projectionDim = 8;
    c.hasProjection = projection;
    c.eosTokenId = 2;
    return c;
}

} // namespace

std::string underscored(const std::string& dotted)
{
    std::string out = dotted;
    for (char& c : out)
        if (c == '.')
            c = '_';
    return out;
}

const LoraModuleTable& LoraModuleTable::standard()
{
    static const LoraModuleTable table = [] {
        nn::SkipParameterInit skip;
        LoraModuleTable t;
        nn::UNet2DConditionModel sd1(narrowUNet(false));
        nn::UNet2DConditionModel sdxl(narrowUNet(true));
        nn::ClipTextModel text(narrowText(false));
        nn::ClipTextModel text2(narrowText(true));
        t.add("unet", *sd1);
        t.add("unet", *sdxl);
        t.add("text_encoder", *text);
        t.add("text_encoder_2", *text2);
        t.m_layersPerBlock = 2;
        t.finish();
        return t;
    }();
    return table;
}

LoraModuleTable LoraModuleTable::of(const torch::nn::Module& unet, const torch::nn::Module& text,
                                    const torch::nn::Module* text2)
{
    LoraModuleTable t;
    t.add("unet", unet);
    t.add("text_encoder", text);
    if (text2 != nullptr)
        t.add("text_encoder_2", *text2);
    int resnets = 0;
    while (t.contains("unet.down_blocks.0.resnets." + std::to_string(resnets) + ".conv1"))
        ++resnets;
    t.m_layersPerBlock = std::max(1, resnets);
    t.m_exact = true;
    t.finish();
    return t;
}

void LoraModuleTable::add(const std::string& component, const torch::nn::Module& module)
{
    for (const auto& item : module.named_modules("", false)) {
        const auto* m = item.value().get();
        if (dynamic_cast<const nn::LinearLayerImpl*>(m) == nullptr &&
            dynamic_cast<const nn::Conv2dLayerImpl*>(m) == nullptr)
            continue;
        const std::string path = component + "." + item.key();
        m_paths.insert(path);
        const std::string key = component + ":" + underscored(item.key());
        auto [it, inserted] = m_underscored.emplace(key, path);
        if (!inserted && it->second != path)
            it->second.clear(); // two paths with one underscored name: never guess
    }
}

void LoraModuleTable::finish()
{
    const std::string marker = ".transformer_blocks.";
    for (const auto& path : m_paths) {
        if (!startsWith(path, "unet."))
            continue;
        const size_t at = path.find(marker);
        if (at == std::string::npos)
            continue;
        size_t pos = path.find('.', at + marker.size());
        if (pos == std::string::npos)
            continue;
        const std::string tail = path.substr(pos + 1);
        m_blockTails.emplace(underscored(tail), tail);
    }
}

std::string LoraModuleTable::fromUnderscored(const std::string& component,
                                             const std::string& name) const
{
    auto it = m_underscored.find(component + ":" + name);
    return it == m_underscored.end() ? std::string() : it->second;
}

std::string LoraModuleTable::fromLdmUnderscored(const std::string& name) const
{
    static const std::map<std::string, std::string> topLevel = {
        {"time_embed_0", "time_embed.0"},
        {"time_embed_2", "time_embed.2"},
        {"label_emb_0_0", "label_emb.0.0"},
        {"label_emb_0_2", "label_emb.0.2"},
        {"out_2", "out.2"},
        {"input_blocks_0_0", "input_blocks.0.0"}};
    static const std::map<std::string, std::string> tails = {{"in_layers_2", "in_layers.2"},
                                                             {"out_layers_3", "out_layers.3"},
                                                             {"emb_layers_1", "emb_layers.1"},
                                                             {"skip_connection", "skip_connection"},
                                                             {"op", "op"},
                                                             {"conv", "conv"},
                                                             {"proj_in", "proj_in"},
                                                             {"proj_out", "proj_out"}};

    std::string ldm;
    if (auto it = topLevel.find(name); it != topLevel.end()) {
        ldm = it->second;
    } else {
        std::string head;
        size_t pos = 0;
        int i = -1;
        int j = -1;
        if (startsWith(name, "input_blocks_") || startsWith(name, "output_blocks_")) {
            head = startsWith(name, "input_blocks_") ? "input_blocks" : "output_blocks";
            pos = head.size() + 1;
            i = readNumber(name, pos);
            j = readNumber(name, pos);
            if (i < 0 || j < 0)
                return "";
            head += "." + std::to_string(i) + "." + std::to_string(j);
        } else if (startsWith(name, "middle_block_")) {
            pos = 13;
            j = readNumber(name, pos);
            if (j < 0)
                return "";
            head = "middle_block." + std::to_string(j);
        } else {
            return "";
        }
        const std::string rest = name.substr(pos);
        std::string tail;
        if (auto it = tails.find(rest); it != tails.end()) {
            tail = it->second;
        } else if (startsWith(rest, "transformer_blocks_")) {
            size_t p = 19;
            const int block = readNumber(rest, p);
            auto bt = m_blockTails.find(rest.substr(p));
            if (block < 0 || bt == m_blockTails.end())
                return "";
            tail = "transformer_blocks." + std::to_string(block) + "." + bt->second;
        } else {
            return "";
        }
        ldm = head + "." + tail;
    }
    std::string mapped = mapLdmUNetKey(ldm + ".weight", m_layersPerBlock);
    if (mapped.size() <= 7)
        return "";
    const std::string path = "unet." + mapped.substr(0, mapped.size() - 7);
    return contains(path) ? path : std::string();
}

} // namespace md::lora

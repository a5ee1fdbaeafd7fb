// The single-file LDM layout of a SyntheticModel: the inverse of the loader's key maps,
// written from the public layout tables (research/engine.md section 2), not from the loader.

#include "engine/common/SyntheticModel.h"
#include "engine/io/SafetensorsWriter.h"

#include <cstdlib>
#include <stdexcept>
#include <torch/torch.h>

namespace md::test {

namespace {

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads "<int>." at `pos` and moves past it.
int readIndex(const std::string& s, size_t& pos)
{
    const size_t dot = s.find('.', pos);
    if (dot == std::string::npos || dot == pos)
        throw std::runtime_error("synthetic LDM names: no index in " + s);
    const int value = std::atoi(s.substr(pos, dot - pos).c_str());
    pos = dot + 1;
    return value;
}

// Replaces the first matching prefix of `rest` from `table`; throws when none matches.
std::string renamePrefix(const std::string& rest,
                         const std::vector<std::pair<std::string, std::string>>& table,
                         const std::string& context)
{
    for (const auto& [from, to] : table)
        if (startsWith(rest, from))
            return to + rest.substr(from.size());
    throw std::runtime_error("synthetic LDM names: no LDM name for " + context);
}

std::string unetResnet(const std::string& rest)
{
    return renamePrefix(rest,
                        {{"norm1.", "in_layers.0."},
                         {"conv1.", "in_layers.2."},
                         {"time_emb_proj.", "emb_layers.1."},
                         {"norm2.", "out_layers.0."},
                         {"conv2.", "out_layers.3."},
                         {"conv_shortcut.", "skip_connection."}},
                        rest);
}

std::string vaeResnet(const std::string& rest)
{
    return renamePrefix(rest,
                        {{"conv_shortcut.", "nin_shortcut."},
                         {"norm1.", "norm1."},
                         {"conv1.", "conv1."},
                         {"norm2.", "norm2."},
                         {"conv2.", "conv2."}},
                        rest);
}

std::string vaeAttention(const std::string& rest)
{
    return renamePrefix(rest,
                        {{"group_norm.", "norm."},
                         {"to_q.", "q."},
                         {"to_k.", "k."},
                         {"to_v.", "v."},
                         {"to_out.0.", "proj_out."}},
                        rest);
}

bool isVaeAttentionWeight(const std::string& name)
{
    return name.find(".attentions.") != std::string::npos &&
           name.find("group_norm") == std::string::npos && endsWith(name, ".weight");
}

NamedTensors openClipTensors(const SyntheticModel& m)
{
    const SyntheticModelSpec& s = m.spec;
    const std::string p = s.openClipPrefix;
    const auto& te = m.textEncoder;
    NamedTensors out;
    out.emplace_back(p + "token_embedding.weight",
                     findTensor(te, "text_model.embeddings.token_embedding.weight"));
    out.emplace_back(p + "positional_embedding",
                     findTensor(te, "text_model.embeddings.position_embedding.weight"));
    for (int k = 0; k < s.textLayers; ++k) {
        const std::string from = "text_model.encoder.layers." + std::to_string(k) + ".";
        const std::string to = p + "transformer.resblocks." + std::to_string(k) + ".";
        for (const char* suffix : {"weight", "bias"}) {
            const std::string sfx = suffix;
            out.emplace_back(to + "attn.in_proj_" + sfx,
                             torch::cat({findTensor(te, from + "self_attn.q_proj." + sfx),
                                         findTensor(te, from + "self_attn.k_proj." + sfx),
                                         findTensor(te, from + "self_attn.v_proj." + sfx)}));
            out.emplace_back(to + "attn.out_proj." + sfx,
                             findTensor(te, from + "self_attn.out_proj." + sfx));
            out.emplace_back(to + "ln_1." + sfx, findTensor(te, from + "layer_norm1." + sfx));
            out.emplace_back(to + "ln_2." + sfx, findTensor(te, from + "layer_norm2." + sfx));
            out.emplace_back(to + "mlp.c_fc." + sfx, findTensor(te, from + "mlp.fc1." + sfx));
            out.emplace_back(to + "mlp.c_proj." + sfx, findTensor(te, from + "mlp.fc2." + sfx));
        }
    }
    for (const char* suffix : {"weight", "bias"})
        out.emplace_back(p + "ln_final." + suffix,
                         findTensor(te, std::string("text_model.final_layer_norm.") + suffix));
    if (s.textProjection)
        out.emplace_back(p + "text_projection",
                         findTensor(te, "text_projection.weight").t().contiguous());
    out.emplace_back(p + "logit_scale", torch::tensor(4.6052f));
    for (const auto& extra : m.extraOpenClipBlock)
        out.push_back(extra);
    return out;
}

} // namespace

std::string ldmUNetName(const std::string& name, int L, const std::vector<bool>& upAttention)
{
    if (startsWith(name, "time_embedding.linear_1."))
        return "time_embed.0." + name.substr(24);
    if (startsWith(name, "time_embedding.linear_2."))
        return "time_embed.2." + name.substr(24);
    if (startsWith(name, "conv_in."))
        return "input_blocks.0.0." + name.substr(8);
    if (startsWith(name, "conv_norm_out."))
        return "out.0." + name.substr(14);
    if (startsWith(name, "conv_out."))
        return "out.2." + name.substr(9);
    const auto slot = [](const std::string& kind, const std::string& rest, size_t& pos) {
        if (!startsWith(rest.substr(pos), kind))
            return -1;
        pos += kind.size();
        return readIndex(rest, pos);
    };
    if (startsWith(name, "down_blocks.") || startsWith(name, "up_blocks.")) {
        const bool down = startsWith(name, "down_blocks.");
        size_t pos = down ? 12 : 10;
        const int b = readIndex(name, pos);
        const int base = down ? 1 + b * (L + 1) : b * (L + 1);
        const std::string blocks = down ? "input_blocks." : "output_blocks.";
        size_t p = pos;
        if (int s = slot("resnets.", name, p); s >= 0)
            return blocks + std::to_string(base + s) + ".0." + unetResnet(name.substr(p));
        p = pos;
        if (int s = slot("attentions.", name, p); s >= 0)
            return blocks + std::to_string(base + s) + ".1." + name.substr(p);
        const std::string rest = name.substr(pos);
        if (down && startsWith(rest, "downsamplers.0.conv."))
            return blocks + std::to_string(base + L) + ".0.op." + rest.substr(20);
        if (!down && startsWith(rest, "upsamplers.0.conv."))
            return blocks + std::to_string(base + L) + (upAttention.at(b) ? ".2" : ".1") +
                   ".conv." + rest.substr(18);
    }
    if (startsWith(name, "mid_block.resnets.0."))
        return "middle_block.0." + unetResnet(name.substr(20));
    if (startsWith(name, "mid_block.attentions.0."))
        return "middle_block.1." + name.substr(23);
    if (startsWith(name, "mid_block.resnets.1."))
        return "middle_block.2." + unetResnet(name.substr(20));
    throw std::runtime_error("synthetic LDM names: no UNet name for " + name);
}

std::string ldmVaeName(const std::string& name, int levels)
{
    if (startsWith(name, "quant_conv.") || startsWith(name, "post_quant_conv."))
        return name;
    for (const std::string part : {"encoder.", "decoder."}) {
        if (!startsWith(name, part))
            continue;
        const std::string rest = name.substr(part.size());
        if (startsWith(rest, "conv_in.") || startsWith(rest, "conv_out."))
            return name;
        if (startsWith(rest, "conv_norm_out."))
            return part + "norm_out." + rest.substr(14);
        if (startsWith(rest, "mid_block.resnets.0."))
            return part + "mid.block_1." + vaeResnet(rest.substr(20));
        if (startsWith(rest, "mid_block.resnets.1."))
            return part + "mid.block_2." + vaeResnet(rest.substr(20));
        if (startsWith(rest, "mid_block.attentions.0."))
            return part + "mid.attn_1." + vaeAttention(rest.substr(23));
        const bool down = startsWith(rest, "down_blocks.");
        if (!down && !startsWith(rest, "up_blocks."))
            break;
        size_t pos = down ? 12 : 10;
        int level = readIndex(rest, pos);
        if (!down)
            level = levels - 1 - level; // LDM decoder levels run bottom-up
        const std::string block = part + (down ? "down." : "up.") + std::to_string(level) + ".";
        const std::string inner = rest.substr(pos);
        if (startsWith(inner, "resnets.")) {
            size_t p = 8;
            const int j = readIndex(inner, p);
            return block + "block." + std::to_string(j) + "." + vaeResnet(inner.substr(p));
        }
        if (startsWith(inner, "downsamplers.0.conv."))
            return block + "downsample.conv." + inner.substr(20);
        if (startsWith(inner, "upsamplers.0.conv."))
            return block + "upsample.conv." + inner.substr(18);
    }
    throw std::runtime_error("synthetic LDM names: no VAE name for " + name);
}

NamedTensors ldmTensors(const SyntheticModel& m)
{
    const SyntheticModelSpec& s = m.spec;
    std::vector<bool> upAttention(s.downBlockHasAttention.rbegin(), s.downBlockHasAttention.rend());
    NamedTensors out;
    for (const auto& [name, t] : m.unet)
        out.emplace_back(
            "model.diffusion_model." + ldmUNetName(name, s.layersPerBlock, upAttention), t);
    const int vaeLevels = static_cast<int>(s.vaeBlockOutChannels.size());
    for (const auto& [name, t] : m.vae)
        out.emplace_back("first_stage_model." + ldmVaeName(name, vaeLevels),
                         isVaeAttentionWeight(name) ? t.reshape({t.size(0), t.size(1), 1, 1}) : t);
    if (s.openClipLayout) {
        for (auto& entry : openClipTensors(m))
            out.push_back(std::move(entry));
    } else {
        for (const auto& [name, t] : m.textEncoder)
            out.emplace_back("cond_stage_model.transformer." + name, t);
        out.emplace_back("cond_stage_model.transformer.text_model.embeddings.position_ids",
                         torch::arange(77, torch::kInt64).unsqueeze(0));
    }
    // What full training checkpoints carry besides the three networks.
    out.emplace_back("alphas_cumprod", torch::linspace(0.999, 0.005, 1000));
    out.emplace_back("model_ema.num_updates", torch::tensor(int64_t{1000}));
    return out;
}

void writeLdmSingleFile(const SyntheticModel& model, const std::string& path)
{
    if (Status st = writeSafetensors(path, ldmTensors(model), model.spec.singleFileMetadata,
                                     model.spec.singleFileDtype);
        !st)
        throw std::runtime_error(st.message());
}

} // namespace md::test

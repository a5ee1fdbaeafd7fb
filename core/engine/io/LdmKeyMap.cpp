#include "engine/io/LdmKeyMap.h"

#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace md {

namespace {

// Parses "<int>." at `pos`, advancing past the dot; -1 when there is none.
int readIndex(const std::string& s, size_t& pos)
{
    size_t end = pos;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9')
        ++end;
    if (end == pos || end >= s.size() || s[end] != '.' || end - pos > 6)
        return -1;
    int value = std::atoi(s.substr(pos, end - pos).c_str());
    pos = end + 1;
    return value;
}

std::string renameResnet(const std::string& rest)
{
    static const std::pair<const char*, const char*> table[] = {
        {"in_layers.0.", "norm1."},          {"in_layers.2.", "conv1."},
        {"emb_layers.1.", "time_emb_proj."}, {"out_layers.0.", "norm2."},
        {"out_layers.3.", "conv2."},         {"skip_connection.", "conv_shortcut."}};
    for (const auto& [from, to] : table)
        if (startsWith(rest, from))
            return to + rest.substr(std::string(from).size());
    return "";
}

bool isResnetKey(const std::string& rest)
{
    return !renameResnet(rest).empty();
}

std::string renameVaeResnet(const std::string& rest)
{
    if (startsWith(rest, "nin_shortcut."))
        return "conv_shortcut." + rest.substr(13);
    for (const char* keep : {"norm1.", "conv1.", "norm2.", "conv2."})
        if (startsWith(rest, keep))
            return rest;
    return "";
}

std::string renameVaeAttention(const std::string& rest)
{
    static const std::pair<const char*, const char*> table[] = {{"norm.", "group_norm."},
                                                                {"q.", "to_q."},
                                                                {"k.", "to_k."},
                                                                {"v.", "to_v."},
                                                                {"proj_out.", "to_out.0."}};
    for (const auto& [from, to] : table)
        if (startsWith(rest, from))
            return to + rest.substr(std::string(from).size());
    return "";
}

std::string firstPrefix(const SafetensorsFile& file, const std::vector<std::string>& prefixes)
{
    for (const auto& p : prefixes)
        for (const auto& t : file.tensors())
            if (startsWith(t.name, p))
                return p;
    return "";
}

std::string listSome(const std::vector<std::string>& names)
{
    std::string s;
    for (size_t i = 0; i < names.size() && i < 3; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > 3)
        s += ", ...";
    return s;
}

struct Mapper
{
    std::shared_ptr<const SafetensorsFile> file;
    std::string fileName;
    LdmMapping& out;

    Status mapUNet(const std::string& prefix);
    Status mapVae(const std::string& prefix);
    Status mapClip(const std::string& prefix, WeightSet& target);
    // keepAll: SDXL's encoder 2 keeps every resblock; SD 2.x drops the last (see below).
    Status mapOpenClip(const std::string& prefix, WeightSet& target, bool keepAll);
};

Status Mapper::mapUNet(const std::string& prefix)
{
    std::set<int> inputBlocks, downsamplers;
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, prefix + "input_blocks."))
            continue;
        size_t pos = prefix.size() + 13;
        int i = readIndex(t.name, pos);
        if (i < 0)
            continue;
        inputBlocks.insert(i);
        if (startsWith(t.name.substr(pos), "0.op."))
            downsamplers.insert(i);
    }
    if (inputBlocks.empty() || *inputBlocks.begin() != 0)
        return Status::error(fileName + ": no UNet input convolution (" + prefix +
                             "input_blocks.0.0.weight)");
    const int levels = static_cast<int>(downsamplers.size()) + 1;
    const int resnetSlots = *inputBlocks.rbegin() - static_cast<int>(downsamplers.size());
    if (resnetSlots <= 0 || resnetSlots % levels != 0)
        return Status::error(fileName + ": cannot work out the UNet's layers per block from " +
                             std::to_string(*inputBlocks.rbegin() + 1) + " input blocks and " +
                             std::to_string(downsamplers.size()) + " downsamplers");
    const int layers = resnetSlots / levels;
    std::vector<std::string> unknown;
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, prefix))
            continue;
        std::string name = mapLdmUNetKey(t.name.substr(prefix.size()), layers);
        if (name.empty()) {
            unknown.push_back(t.name);
            continue;
        }
        if (Status s = out.unet.add(name, file, t.name); !s)
            return s;
    }
    if (!unknown.empty())
        out.notes.push_back("ignored " + std::to_string(unknown.size()) +
                            " UNet tensors with no diffusers name: " + listSome(unknown));
    return Status::ok();
}

Status Mapper::mapVae(const std::string& prefix)
{
    std::set<int> upLevels;
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, prefix + "decoder.up."))
            continue;
        size_t pos = prefix.size() + 11;
        if (int i = readIndex(t.name, pos); i >= 0)
            upLevels.insert(i);
    }
    const int levels = upLevels.empty() ? 0 : *upLevels.rbegin() + 1;
    std::vector<std::string> unknown;
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, prefix))
            continue;
        const std::string rest = t.name.substr(prefix.size());
        std::string name = mapLdmVaeKey(rest, levels);
        if (name.empty()) {
            unknown.push_back(t.name);
            continue;
        }
        const bool attentionWeight = name.find(".attentions.") != std::string::npos &&
                                     name.find("group_norm") == std::string::npos &&
                                     name.size() > 7 &&
                                     name.compare(name.size() - 7, 7, ".weight") == 0;
        Status s = attentionWeight ? out.vae.addSqueezed(name, file, t.name)
                                   : out.vae.add(name, file, t.name);
        if (!s)
            return s;
    }
    if (!unknown.empty())
        out.notes.push_back("ignored " + std::to_string(unknown.size()) +
                            " VAE tensors with no diffusers name: " + listSome(unknown));
    return Status::ok();
}

Status Mapper::mapClip(const std::string& prefix, WeightSet& target)
{
    // prefix is "...transformer." ; keys may or may not carry "text_model.".
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, prefix))
            continue;
        std::string rest = t.name.substr(prefix.size());
        if (startsWith(rest, "text_model."))
            rest = rest.substr(11);
        if (rest == "embeddings.position_ids")
            continue; // regenerated 0..N-1, never trusted
        const std::string name = startsWith(rest, "text_projection.") ? rest : "text_model." + rest;
        if (Status s = target.add(name, file, t.name); !s)
            return s;
    }
    return Status::ok();
}

Status Mapper::mapOpenClip(const std::string& prefix, WeightSet& target, bool keepAll)
{
    const std::string blocksPrefix = prefix + "transformer.resblocks.";
    int blocks = 0;
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, blocksPrefix))
            continue;
        size_t pos = blocksPrefix.size();
        if (int i = readIndex(t.name, pos); i >= 0)
            blocks = std::max(blocks, i + 1);
    }
    if (blocks < 2)
        return Status::error(fileName + ": the OpenCLIP text encoder has " +
                             std::to_string(blocks) + " resblocks; " +
                             (keepAll ? "SDXL" : "SD 2.x") +
                             " needs at least 2 (it uses the penultimate)");
    if (!keepAll)
        out.openClipBlocksInFile = blocks;
    // SD 2.x conditions on the penultimate layer, then ln_final: the original files hold all
    // 24 layers of the ViT-H/14 text tower and the last one is dropped. A file with 23 was
    // written from a diffusers folder, whose text encoder has lost that layer already (as
    // diffusers itself reads such a file): all 23 are kept.
    const int last = keepAll || blocks == 23 ? -1 : blocks - 1;
    std::vector<std::string> unknown;
    for (const auto& t : file->tensors()) {
        if (!startsWith(t.name, prefix))
            continue;
        const std::string rest = t.name.substr(prefix.size());
        Status s;
        if (rest == "token_embedding.weight") {
            s = target.add("text_model.embeddings.token_embedding.weight", file, t.name);
        } else if (rest == "positional_embedding") {
            s = target.add("text_model.embeddings.position_embedding.weight", file, t.name);
        } else if (startsWith(rest, "ln_final.")) {
            s = target.add("text_model.final_layer_norm." + rest.substr(9), file, t.name);
        } else if (rest == "text_projection") {
            s = target.addTranspose("text_projection.weight", file, t.name);
        } else if (startsWith(rest, "transformer.resblocks.")) {
            size_t pos = 22;
            const int i = readIndex(rest, pos);
            if (i < 0) {
                unknown.push_back(t.name);
                continue;
            }
            if (i == last)
                continue;
            const std::string inner = rest.substr(pos);
            const std::string layer = "text_model.encoder.layers." + std::to_string(i) + ".";
            static const std::pair<const char*, const char*> table[] = {
                {"ln_1.", "layer_norm1."},
                {"ln_2.", "layer_norm2."},
                {"mlp.c_fc.", "mlp.fc1."},
                {"mlp.c_proj.", "mlp.fc2."},
                {"attn.out_proj.", "self_attn.out_proj."}};
            bool done = false;
            for (const auto& [from, to] : table) {
                if (startsWith(inner, from)) {
                    s = target.add(layer + to + inner.substr(std::string(from).size()), file,
                                   t.name);
                    done = true;
                    break;
                }
            }
            if (!done && (inner == "attn.in_proj_weight" || inner == "attn.in_proj_bias")) {
                const auto* info = file->find(t.name);
                const int64_t rows = info->shape.empty() ? 0 : info->shape[0];
                if (rows % 3 != 0)
                    return Status::error(fileName + ": " + t.name + " has " + std::to_string(rows) +
                                         " rows, not three equal q/k/v parts");
                const std::string suffix = inner == "attn.in_proj_weight" ? ".weight" : ".bias";
                const char* parts[] = {"q_proj", "k_proj", "v_proj"};
                for (int p = 0; p < 3 && s; ++p)
                    s = target.addRowSlice(layer + "self_attn." + parts[p] + suffix, file, t.name,
                                           p * rows / 3, (p + 1) * rows / 3);
                done = true;
            }
            if (!done)
                unknown.push_back(t.name);
        } else {
            unknown.push_back(t.name); // logit_scale, attn_mask, ...
        }
        if (!s)
            return s;
    }
    if (!unknown.empty())
        out.notes.push_back("ignored " + std::to_string(unknown.size()) +
                            " OpenCLIP tensors: " + listSome(unknown));
    if (keepAll)
        out.notes.push_back("OpenCLIP text encoder 2: kept all " + std::to_string(blocks) +
                            " resblocks (SDXL uses the penultimate hidden state and the last "
                            "layer's pooled output)");
    else if (last < 0)
        out.notes.push_back("OpenCLIP text encoder: kept all 23 resblocks (a file converted from "
                            "diffusers, whose encoder already ends at the penultimate layer)");
    else
        out.notes.push_back("OpenCLIP text encoder: dropped resblock " + std::to_string(last) +
                            " of " + std::to_string(blocks) +
                            " (SD 2.x uses the penultimate layer, then ln_final)");
    return Status::ok();
}

} // namespace

std::string mapLdmUNetKey(const std::string& key, int layers)
{
    if (startsWith(key, "time_embed.0."))
        return "time_embedding.linear_1." + key.substr(13);
    if (startsWith(key, "time_embed.2."))
        return "time_embedding.linear_2." + key.substr(13);
    if (startsWith(key, "label_emb.0.0."))
        return "add_embedding.linear_1." + key.substr(14);
    if (startsWith(key, "label_emb.0.2."))
        return "add_embedding.linear_2." + key.substr(14);
    if (startsWith(key, "out.0."))
        return "conv_norm_out." + key.substr(6);
    if (startsWith(key, "out.2."))
        return "conv_out." + key.substr(6);
    if (startsWith(key, "input_blocks.0.0."))
        return "conv_in." + key.substr(17);
    if (layers <= 0)
        return "";
    if (startsWith(key, "input_blocks.")) {
        size_t pos = 13;
        const int i = readIndex(key, pos);
        const int j = readIndex(key, pos);
        if (i < 1 || j < 0)
            return "";
        const std::string rest = key.substr(pos);
        const int b = (i - 1) / (layers + 1), s = (i - 1) % (layers + 1);
        const std::string block = "down_blocks." + std::to_string(b) + ".";
        if (s == layers)
            return j == 0 && startsWith(rest, "op.")
                       ? block + "downsamplers.0.conv." + rest.substr(3)
                       : "";
        if (j == 0) {
            std::string r = renameResnet(rest);
            return r.empty() ? "" : block + "resnets." + std::to_string(s) + "." + r;
        }
        return j == 1 ? block + "attentions." + std::to_string(s) + "." + rest : "";
    }
    if (startsWith(key, "middle_block.")) {
        size_t pos = 13;
        const int k = readIndex(key, pos);
        const std::string rest = key.substr(pos);
        std::string r = renameResnet(rest);
        if (k == 0)
            return r.empty() ? "" : "mid_block.resnets.0." + r;
        if (k == 1 && !isResnetKey(rest)) // a mid block without attention has 2 resnets
            return "mid_block.attentions.0." + rest;
        if (k == 1 || k == 2)
            return r.empty() ? "" : "mid_block.resnets.1." + r;
        return "";
    }
    if (startsWith(key, "output_blocks.")) {
        size_t pos = 14;
        const int i = readIndex(key, pos);
        const int j = readIndex(key, pos);
        if (i < 0 || j < 0)
            return "";
        const std::string rest = key.substr(pos);
        const int b = i / (layers + 1), s = i % (layers + 1);
        const std::string block = "up_blocks." + std::to_string(b) + ".";
        if (j == 0) {
            std::string r = renameResnet(rest);
            return r.empty() ? "" : block + "resnets." + std::to_string(s) + "." + r;
        }
        if (startsWith(rest, "conv."))
            return block + "upsamplers.0.conv." + rest.substr(5);
        return j == 1 ? block + "attentions." + std::to_string(s) + "." + rest : "";
    }
    return "";
}

std::string mapLdmVaeKey(const std::string& key, int upLevels)
{
    if (startsWith(key, "quant_conv.") || startsWith(key, "post_quant_conv."))
        return key;
    for (const std::string part : {"encoder.", "decoder."}) {
        if (!startsWith(key, part))
            continue;
        const std::string rest = key.substr(part.size());
        for (const char* keep : {"conv_in.", "conv_out."})
            if (startsWith(rest, keep))
                return key;
        if (startsWith(rest, "norm_out."))
            return part + "conv_norm_out." + rest.substr(9);
        if (startsWith(rest, "mid.block_1.") || startsWith(rest, "mid.block_2.")) {
            std::string r = renameVaeResnet(rest.substr(12));
            const char* index = rest[10] == '1' ? "0." : "1.";
            return r.empty() ? "" : part + "mid_block.resnets." + index + r;
        }
        if (startsWith(rest, "mid.attn_1.")) {
            std::string r = renameVaeAttention(rest.substr(11));
            return r.empty() ? "" : part + "mid_block.attentions.0." + r;
        }
        const bool down = part == "encoder." && startsWith(rest, "down.");
        const bool up = part == "decoder." && startsWith(rest, "up.");
        if (!down && !up)
            return "";
        size_t pos = down ? 5 : 3;
        int level = readIndex(rest, pos);
        if (level < 0 || (up && level >= upLevels))
            return "";
        if (up)
            level = upLevels - 1 - level; // the decoder's LDM levels run bottom-up
        const std::string block =
            part + (down ? "down_blocks." : "up_blocks.") + std::to_string(level) + ".";
        const std::string inner = rest.substr(pos);
        if (startsWith(inner, "block.")) {
            size_t p = 6;
            const int j = readIndex(inner, p);
            std::string r = j < 0 ? "" : renameVaeResnet(inner.substr(p));
            return r.empty() ? "" : block + "resnets." + std::to_string(j) + "." + r;
        }
        if (down && startsWith(inner, "downsample.conv."))
            return block + "downsamplers.0.conv." + inner.substr(16);
        if (up && startsWith(inner, "upsample.conv."))
            return block + "upsamplers.0.conv." + inner.substr(14);
        return "";
    }
    return "";
}

Result<LdmMapping> mapLdmCheckpoint(const std::shared_ptr<const SafetensorsFile>& file)
{
    LdmMapping out;
    const std::string path = file->path();
    Mapper m{file, path.substr(path.find_last_of('/') + 1), out};

    // SDXL: OpenCLIP bigG as the second embedder, CLIP ViT-L as the first, label_emb in the
    // UNet. Anything else with a second embedder or a label_emb is a model this reader does
    // not know (the SDXL refiner: one OpenCLIP encoder and aesthetic-score label_emb).
    const bool secondEmbedder = !firstPrefix(*file, {"conditioner.embedders.1."}).empty();
    const bool labelEmb = !firstPrefix(*file, {"model.diffusion_model.label_emb."}).empty();
    const std::string sdxlClip = "conditioner.embedders.0.transformer.";
    const std::string sdxlOpenClip = "conditioner.embedders.1.model.";
    if (secondEmbedder || labelEmb) {
        const bool hasClip = !firstPrefix(*file, {sdxlClip}).empty();
        const bool hasOpenClip = !firstPrefix(*file, {sdxlOpenClip}).empty();
        if (!hasClip || !hasOpenClip || !labelEmb)
            return Status::error(
                m.fileName + ": an SDXL-style checkpoint (" +
                (labelEmb ? "model.diffusion_model.label_emb.*" : "conditioner.embedders.1.*") +
                ") without " +
                (!hasClip ? "its CLIP ViT-L text encoder (conditioner.embedders.0.transformer.*)"
                 : !hasOpenClip
                     ? "its OpenCLIP ViT-bigG text encoder (conditioner.embedders.1.model.*)"
                     : "the UNet's added conditioning (model.diffusion_model.label_emb.*)") +
                "; SDXL base models and their fine-tunes are supported, the SDXL refiner and "
                "other variants are not");
        out.sdxl = true;
    }
    const std::string unetPrefix = "model.diffusion_model.";
    if (firstPrefix(*file, {unetPrefix}).empty())
        return Status::error(m.fileName + ": no UNet tensors (model.diffusion_model.*): not a " +
                             "single-file Stable Diffusion checkpoint");
    if (Status s = m.mapUNet(unetPrefix); !s)
        return s;

    const std::string vaePrefix = firstPrefix(*file, {"first_stage_model.", "vae."});
    if (vaePrefix.empty())
        return Status::error(m.fileName + ": no VAE tensors (first_stage_model.*); this file "
                                          "holds only part of a checkpoint");
    if (Status s = m.mapVae(vaePrefix); !s)
        return s;

    if (out.sdxl) {
        out.textLayout = TextEncoderLayout::Clip;
        if (Status s = m.mapClip(sdxlClip, out.textEncoder); !s)
            return s;
        if (Status s = m.mapOpenClip(sdxlOpenClip, out.textEncoder2, /*keepAll=*/true); !s)
            return s;
        return out;
    }
    const std::string openClip =
        firstPrefix(*file, {"cond_stage_model.model.", "conditioner.embedders.0.model."});
    const std::string clip = firstPrefix(
        *file, {"cond_stage_model.transformer.", "conditioner.embedders.0.transformer."});
    if (!openClip.empty()) {
        out.textLayout = TextEncoderLayout::OpenClip;
        if (Status s = m.mapOpenClip(openClip, out.textEncoder, /*keepAll=*/false); !s)
            return s;
    } else if (!clip.empty()) {
        out.textLayout = TextEncoderLayout::Clip;
        if (Status s = m.mapClip(clip, out.textEncoder); !s)
            return s;
    } else {
        return Status::error(m.fileName +
                             ": no text encoder tensors (cond_stage_model.transformer.* for SD "
                             "1.x CLIP or cond_stage_model.model.* for SD 2.x OpenCLIP)");
    }
    return out;
}

} // namespace md

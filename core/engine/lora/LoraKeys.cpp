#include "engine/lora/LoraKeys.h"

#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <map>
#include <set>

namespace md::lora {

namespace {

enum class Role { Down, Up, Mid, Alpha, Dora };

// The module part of a key and what the tensor is; false for anything else.
bool splitKey(const std::string& key, std::string& module, Role& role)
{
    static const std::vector<std::pair<std::string, Role>> suffixes = {
        {".lora_down.weight", Role::Down},
        {".lora_up.weight", Role::Up},
        {".lora_mid.weight", Role::Mid},
        {".alpha", Role::Alpha},
        {".dora_scale", Role::Dora},
        {".lora_A.weight", Role::Down},
        {".lora_B.weight", Role::Up},
        {".lora_A.default.weight", Role::Down},
        {".lora_B.default.weight", Role::Up},
        {".lora_magnitude_vector", Role::Dora},
        {".lora_magnitude_vector.weight", Role::Dora},
        {".lora_magnitude_vector.default.weight", Role::Dora},
        {".lora.down.weight", Role::Down},
        {".lora.up.weight", Role::Up},
        {".lora_linear_layer.down.weight", Role::Down},
        {".lora_linear_layer.up.weight", Role::Up},
        {"_lora.down.weight", Role::Down}, // <attn>.processor.to_q_lora.down.weight
        {"_lora.up.weight", Role::Up},
    };
    for (const auto& [suffix, r] : suffixes) {
        if (key.size() > suffix.size() && endsWith(key, suffix)) {
            module = key.substr(0, key.size() - suffix.size());
            role = r;
            return true;
        }
    }
    return false;
}

bool isUNetRoot(const std::string& dotted)
{
    static const std::set<std::string> roots = {"down_blocks",   "mid_block",    "up_blocks",
                                                "conv_in",       "conv_out",     "time_embedding",
                                                "add_embedding", "conv_norm_out"};
    return roots.count(dotted.substr(0, dotted.find('.'))) > 0;
}

// A module name of the file -> our path ("" when none). `sdxlNames`: a kohya name only SDXL
// LoRAs use (an LDM UNet name, lora_te1_ / lora_te2_).
std::string modulePath(std::string module, const LoraModuleTable& table, bool& kohya,
                       bool& sdxlNames)
{
    static const std::vector<std::pair<std::string, std::string>> kohyaPrefixes = {
        {"lora_unet_", "unet"},
        {"lora_te1_", "text_encoder"},
        {"lora_te2_", "text_encoder_2"},
        {"lora_te_", "text_encoder"}};
    for (const auto& [prefix, component] : kohyaPrefixes) {
        if (!startsWith(module, prefix))
            continue;
        kohya = true;
        if (prefix == "lora_te1_" || prefix == "lora_te2_")
            sdxlNames = true;
        const std::string rest = module.substr(prefix.size());
        std::string path = table.fromUnderscored(component, rest);
        if (path.empty() && component == "unet") {
            path = table.fromLdmUnderscored(rest);
            sdxlNames = sdxlNames || !path.empty();
        }
        return path;
    }
    if (startsWith(module, "base_model.model."))
        module = module.substr(17);
    // The attention-processor form: <attn>.processor.to_q -> <attn>.to_q, to_out -> to_out.0.
    if (const size_t at = module.find(".processor."); at != std::string::npos) {
        std::string target = module.substr(at + 11);
        if (target == "to_out")
            target = "to_out.0";
        module = module.substr(0, at) + "." + target;
    }
    std::string path;
    if (startsWith(module, "unet.") || startsWith(module, "text_encoder.") ||
        startsWith(module, "text_encoder_2."))
        path = module;
    else if (startsWith(module, "text_model."))
        path = "text_encoder." + module;
    else if (isUNetRoot(module))
        path = "unet." + module;
    else
        return "";
    return table.contains(path) || !table.exact() ? path : std::string();
}

std::string familyOf(const SafetensorsFile& file, const LoraKeyLayout& layout, bool sdxlNames)
{
    for (const char* key :
         {"modelspec.architecture", "ss_base_model_version", "ss_sd_model_name"}) {
        auto it = file.metadata().find(key);
        if (it != file.metadata().end() && it->second.find("mds-tiny") != std::string::npos)
            return "embedded";
    }
    if (layout.contextDim == 768)
        return "SD 1.x";
    if (layout.contextDim == 1024)
        return "SD 2.x";
    if (layout.contextDim == 2048)
        return "SDXL";
    // Structure: SDXL has a second text encoder, its own kohya names, add_embedding and
    // attentions of more than one transformer block; SD 1.x/2.x one block per attention.
    int projDims = 0;
    int textHidden = 0;
    for (const auto& m : layout.modules) {
        if (startsWith(m.path, "text_encoder_2.") || startsWith(m.path, "unet.add_embedding.") ||
            (m.path.find(".transformer_blocks.") != std::string::npos &&
             m.path.find(".transformer_blocks.0.") == std::string::npos))
            return "SDXL";
        const auto* down = file.find(m.down);
        if (endsWith(m.path, ".proj_in") || endsWith(m.path, ".proj_out"))
            projDims = static_cast<int>(down->shape.size());
        if (startsWith(m.path, "text_encoder.") && endsWith(m.path, ".q_proj"))
            textHidden = static_cast<int>(down->shape.back());
    }
    if (sdxlNames)
        return "SDXL";
    if (projDims == 2)
        return "SD 2.x"; // linear proj_in / proj_out (use_linear_projection)
    if (projDims == 4)
        return "SD 1.x";
    if (textHidden == 768)
        return "SD 1.x";
    if (textHidden == 1024)
        return "SD 2.x";
    // Last: what kohya's trainer wrote (ss_base_model_version "sd_v1", "sd_v2", "sdxl_base_v1-0").
    auto it = file.metadata().find("ss_base_model_version");
    if (it != file.metadata().end()) {
        if (it->second.find("sdxl") != std::string::npos)
            return "SDXL";
        if (startsWith(it->second, "sd_v2") || startsWith(it->second, "sd_2"))
            return "SD 2.x";
        if (startsWith(it->second, "sd_v1") || startsWith(it->second, "sd_1"))
            return "SD 1.x";
    }
    return "unknown";
}

} // namespace

int LoraKeyLayout::unetModules() const
{
    int n = 0;
    for (const auto& m : modules)
        n += startsWith(m.path, "unet.") ? 1 : 0;
    return n;
}

int LoraKeyLayout::textEncoderModules() const
{
    return static_cast<int>(modules.size()) - unetModules();
}

Result<LoraKeyLayout> parseLoraKeys(const SafetensorsFile& file, const LoraModuleTable& table)
{
    LoraKeyLayout layout;
    std::map<std::string, LoraModuleKeys> byPath;
    bool sdxlNames = false;
    for (const auto& t : file.tensors()) {
        std::string module;
        Role role = Role::Down;
        std::string path;
        if (splitKey(t.name, module, role)) {
            bool kohya = false;
            path = modulePath(module, table, kohya, sdxlNames);
            if (!path.empty())
                (kohya ? layout.kohya : layout.peft) = true;
        }
        if (path.empty()) {
            layout.unknownKeys.push_back(t.name);
            continue;
        }
        auto& m = byPath[path];
        m.path = path;
        std::string& slot = role == Role::Down    ? m.down
                            : role == Role::Up    ? m.up
                            : role == Role::Mid   ? m.mid
                            : role == Role::Alpha ? m.alpha
                                                  : m.dora;
        if (!slot.empty()) { // the same module twice (two namings in one file)
            layout.unknownKeys.push_back(t.name);
            continue;
        }
        slot = t.name;
    }
    for (auto& [path, m] : byPath) {
        const auto* down = m.down.empty() ? nullptr : file.find(m.down);
        const auto* up = m.up.empty() ? nullptr : file.find(m.up);
        if (down == nullptr || up == nullptr || down->shape.size() < 2 || up->shape.size() < 2) {
            for (const auto* name : {&m.down, &m.up, &m.mid, &m.alpha, &m.dora})
                if (!name->empty())
                    layout.unknownKeys.push_back(*name);
            continue;
        }
        layout.rank = std::max(layout.rank, static_cast<int>(down->shape[0]));
        if (!m.mid.empty() || (down->shape.size() == 4 && down->shape[2] * down->shape[3] > 1))
            layout.locon = true;
        if (!m.dora.empty())
            layout.dora = true;
        if (startsWith(path, "unet.") &&
            (endsWith(path, ".attn2.to_k") || endsWith(path, ".attn2.to_v")))
            layout.contextDim = static_cast<int>(down->shape[1]);
        layout.modules.push_back(m);
    }
    if (layout.modules.empty()) {
        std::string what = file.tensors().empty()
                               ? "no tensors"
                               : std::to_string(file.tensors().size()) + " tensors such as " +
                                     file.tensors().front().name;
        return Status::error(file.path() +
                             ": not a LoRA file (no lora_down/lora_up or lora_A/lora_B weights "
                             "of a known module; it holds " +
                             what + ")");
    }
    std::sort(layout.unknownKeys.begin(), layout.unknownKeys.end());
    layout.family = familyOf(file, layout, sdxlNames);
    layout.format = layout.locon ? "LoCon/LyCORIS" : layout.kohya ? "kohya" : "PEFT/diffusers";
    if (layout.dora)
        layout.format += ", DoRA";
    return layout;
}

} // namespace md::lora

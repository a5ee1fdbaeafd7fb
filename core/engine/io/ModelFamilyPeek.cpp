#include "engine/io/ModelFamilyPeek.h"

#include "engine/io/DiffusersConfig.h"
#include "engine/io/ModelConfig.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

namespace md {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// safetensors' own bound on the JSON header.
constexpr std::uint64_t kMaxHeaderBytes = 100000000;

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

// The parsed JSON header of a .safetensors file; a discarded value when it cannot be read.
json readSafetensorsHeader(const fs::path& file)
{
    std::error_code ec;
    const std::uint64_t size = fs::file_size(file, ec);
    std::ifstream in(file, std::ios::binary);
    unsigned char le[8] = {};
    if (ec || size < 8 || !in || !in.read(reinterpret_cast<char*>(le), 8))
        return json::value_t::discarded;
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | le[i];
    if (length < 2 || length > kMaxHeaderBytes || length > size - 8)
        return json::value_t::discarded;
    std::string text(std::size_t(length), '\0');
    if (!in.read(text.data(), std::streamsize(length)))
        return json::value_t::discarded;
    json header = json::parse(text, nullptr, /*allow_exceptions=*/false);
    return header.is_object() ? header : json(json::value_t::discarded);
}

std::string fileFamily(const fs::path& file)
{
    const json header = readSafetensorsHeader(file);
    if (header.is_discarded())
        return {};
    bool unet = false, sdxl = false, openClip = false, otherSgm = false;
    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            if (value.is_object() && value.contains("md_model"))
                return familyName(ModelFamily::Embedded);
            continue;
        }
        unet = unet || startsWith(key, "model.diffusion_model.");
        sdxl = sdxl || startsWith(key, "conditioner.embedders.1.");
        otherSgm = otherSgm || startsWith(key, "conditioner.");
        openClip = openClip || startsWith(key, "cond_stage_model.model.");
    }
    if (!unet)
        return {};
    if (sdxl)
        return familyName(ModelFamily::SDXL);
    if (otherSgm)
        return {}; // an SGM layout without CLIP-L + OpenCLIP bigG (e.g. the SDXL refiner)
    return familyName(openClip ? ModelFamily::SD2 : ModelFamily::SD1);
}

// A component's config.json, or an empty object.
json config(const fs::path& dir, const char* relative)
{
    std::error_code ec;
    const fs::path path = dir / relative;
    if (!fs::is_regular_file(path, ec))
        return json::object();
    auto j = readJsonFile(path.string());
    return j && j->is_object() ? j.value() : json::object();
}

std::string folderFamily(const fs::path& dir)
{
    std::error_code ec;
    const json index = config(dir, "model_index.json");
    const json unet = config(dir, "unet/config.json");
    if (index.empty() && unet.empty())
        return {};
    if (index.contains("_md_model") || unet.contains("_md_model"))
        return familyName(ModelFamily::Embedded);
    const auto name = index.find("_class_name");
    const std::string pipeline =
        name != index.end() && name->is_string() ? name->get<std::string>() : std::string();
    const bool textEncoder2 =
        (index.contains("text_encoder_2") && !index["text_encoder_2"].is_null()) ||
        fs::is_directory(dir / "text_encoder_2", ec);
    if (pipeline.find("StableDiffusionXL") != std::string::npos || textEncoder2 ||
        unet.value("addition_embed_type", json()) == "text_time")
        return familyName(ModelFamily::SDXL);
    const json text = config(dir, "text_encoder/config.json");
    if (text.value("hidden_act", json()) == "gelu" || text.value("hidden_size", json()) == 1024 ||
        unet.value("cross_attention_dim", json()) == 1024)
        return familyName(ModelFamily::SD2);
    return familyName(ModelFamily::SD1);
}

} // namespace

std::string peekModelFamily(const std::string& path)
{
    try {
        std::error_code ec;
        const fs::path p(path);
        if (path.empty())
            return {};
        if (fs::is_directory(p, ec))
            return folderFamily(p);
        if (fs::is_regular_file(p, ec))
            return fileFamily(p);
    } catch (const std::exception&) {
        // A model that cannot be read has no family to show.
    }
    return {};
}

} // namespace md

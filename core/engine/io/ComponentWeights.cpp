#include "engine/io/ComponentWeights.h"

#include "engine/io/CheckpointLayouts.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/DiffusersConfig.h"
#include "engine/io/TextHelpers.h"

#include <algorithm>
#include <cctype>
#include <dirent.h>
#include <set>

namespace md {

namespace {

constexpr const char* kStems[] = {"diffusion_pytorch_model", "model"};
constexpr const char* kComponents[] = {"unet", "vae", "text_encoder", "text_encoder_2"};

bool isVariantChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

// The shards a sharded checkpoint's index names (beside it).
Result<ComponentWeights> openIndex(const std::string& componentDir, const std::string& index)
{
    const std::string path = joinPath(componentDir, index);
    auto json = readJsonFile(path);
    if (!json)
        return json.status();
    if (!json->contains("weight_map") || !json->at("weight_map").is_object())
        return Status::error(path + ": no \"weight_map\" object");
    std::set<std::string> shards;
    for (const auto& [name, shard] : json->at("weight_map").items()) {
        if (!shard.is_string() || shard.get<std::string>().find('/') != std::string::npos)
            return Status::error(path + ": bad shard name for '" + name + "'");
        shards.insert(shard.get<std::string>());
    }
    ComponentWeights out;
    out.source = index;
    for (const auto& shard : shards) {
        auto file = SafetensorsFile::open(joinPath(componentDir, shard));
        if (!file)
            return file.status();
        out.files.push_back(file.value());
    }
    return out;
}

// The files of one naming (`variant` "" = plain), or an empty `files` when absent.
Result<ComponentWeights> openNamed(const std::string& componentDir, const std::string& variant)
{
    const std::string dotted = variant.empty() ? "" : "." + variant;
    for (const char* stem : kStems) {
        const std::string single = std::string(stem) + dotted + ".safetensors";
        if (isRegularFile(joinPath(componentDir, single))) {
            auto file = SafetensorsFile::open(joinPath(componentDir, single));
            if (!file)
                return file.status();
            ComponentWeights out;
            out.files.push_back(file.value());
            out.source = single;
            return out;
        }
        std::vector<std::string> indexes = {single + ".index.json"};
        if (!variant.empty()) // diffusers' own name for a variant's index first
            indexes.insert(indexes.begin(),
                           std::string(stem) + ".safetensors.index" + dotted + ".json");
        for (const auto& index : indexes)
            if (isRegularFile(joinPath(componentDir, index)))
                return openIndex(componentDir, index);
    }
    return ComponentWeights{};
}

// What lies between `prefix` and `suffix` in `name` ("" when it does not have both).
std::string between(const std::string& name, const std::string& prefix, const std::string& suffix)
{
    if (name.size() <= prefix.size() + suffix.size() || !startsWith(name, prefix) ||
        !endsWith(name, suffix))
        return "";
    return name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
}

// "<stem>.<variant>.safetensors", "<stem>.<variant>-00001-of-00002.safetensors",
// "<stem>.safetensors.index.<variant>.json" or "<stem>.<variant>.safetensors.index.json"
// -> the variant; "" for anything else.
std::string variantOfFile(const std::string& name)
{
    for (const char* stemText : kStems) {
        const std::string stem = stemText;
        std::string middle = between(name, stem + ".safetensors.index.", ".json");
        if (middle.empty())
            middle = between(name, stem + ".", ".safetensors.index.json");
        if (middle.empty())
            middle = between(name, stem + ".", ".safetensors");
        const auto shard = middle.find("-of-");
        if (shard != std::string::npos && shard >= 6 && middle[shard - 6] == '-')
            middle = middle.substr(0, shard - 6); // "fp16-00001-of-00002" -> "fp16"
        if (!middle.empty() && checkVariantName(middle))
            return middle;
    }
    return "";
}

} // namespace

Status checkVariantName(const std::string& variant)
{
    if (variant.empty() || !std::all_of(variant.begin(), variant.end(), isVariantChar))
        return Status::error("\"" + variant +
                             "\" is not a weight variant name (letters, digits, '_' and '-', "
                             "e.g. fp16 or lcm)");
    return Status::ok();
}

Result<ComponentWeights> openComponentWeights(const std::string& componentDir,
                                              const std::string& variant)
{
    if (!variant.empty()) {
        auto asked = openNamed(componentDir, variant);
        if (!asked || !asked->files.empty()) {
            if (asked)
                asked->variant = true;
            return asked;
        }
    }
    for (const std::string fallback : {"", "fp16"}) {
        auto found = openNamed(componentDir, fallback);
        if (!found || !found->files.empty())
            return found;
    }
    for (const char* pickle : {"diffusion_pytorch_model.bin", "pytorch_model.bin",
                               "diffusion_pytorch_model.fp16.bin", "pytorch_model.fp16.bin"})
        if (isRegularFile(joinPath(componentDir, pickle)))
            return Status::error(pickleRefusalMessage(joinPath(componentDir, pickle)));
    return Status::error(componentDir +
                         ": no weights (expected diffusion_pytorch_model.safetensors or "
                         "model.safetensors, or their .fp16 variants)");
}

std::vector<std::string> folderWeightVariants(const std::string& dir)
{
    std::set<std::string> variants;
    for (const char* component : kComponents) {
        const std::string componentDir = joinPath(dir, component);
        DIR* d = opendir(componentDir.c_str());
        if (!d)
            continue;
        while (const dirent* e = readdir(d)) {
            const std::string name = e->d_name;
            const std::string variant = variantOfFile(name);
            if (!variant.empty() && isRegularFile(joinPath(componentDir, name)))
                variants.insert(variant);
        }
        closedir(d);
    }
    return {variants.begin(), variants.end()};
}

} // namespace md

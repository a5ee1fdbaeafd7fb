#include "engine/io/TinyDecoderWeights.h"

#include "engine/io/DiffusersConfig.h"
#include "engine/io/SafetensorsFile.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>

namespace fs = std::filesystem;

namespace md {

namespace {

constexpr const char* kComponent = "preview decoder";
constexpr const char* kDiffusersPrefix = "decoder.layers.";

bool startsWithIndex(const std::string& key)
{
    return !key.empty() && std::isdigit(static_cast<unsigned char>(key[0]));
}

// "12.conv.0.weight" -> index 12, rest "conv.0.weight"; false if it has no such form.
bool splitIndex(const std::string& key, int& index, std::string& rest)
{
    size_t i = 0;
    index = 0;
    while (i < key.size() && std::isdigit(static_cast<unsigned char>(key[i])) && i < 6)
        index = index * 10 + (key[i++] - '0');
    if (i == 0 || i >= key.size() || key[i] != '.')
        return false;
    rest = key.substr(i + 1);
    return true;
}

// Presents the file's decoder tensors under DecoderTiny's names.
Status mapKeys(const std::shared_ptr<const SafetensorsFile>& file, WeightSet& weights,
               std::string& format)
{
    const std::string name = fs::path(file->path()).filename().string();
    bool diffusers = false;
    bool numbered = true;
    for (const auto& t : file->tensors()) {
        diffusers = diffusers || t.name.rfind(kDiffusersPrefix, 0) == 0;
        numbered = numbered && startsWithIndex(t.name);
    }
    if (diffusers) {
        format = "diffusers AutoencoderTiny";
        for (const auto& t : file->tensors())
            if (t.name.rfind(kDiffusersPrefix, 0) == 0)
                if (auto s = weights.add(t.name.substr(8), file, t.name); !s) // drop "decoder."
                    return s;
        return Status::ok();
    }
    if (!numbered || file->tensors().empty())
        return Status::error(name + " is not a tiny (TAESD) decoder: expected tensors named "
                                    "like \"1.weight\" (taesd_decoder.safetensors) or "
                                    "\"decoder.layers.0.weight\" (diffusers AutoencoderTiny)");
    format = "TAESD decoder file";
    for (const auto& t : file->tensors()) {
        int index = 0;
        std::string rest;
        if (!splitIndex(t.name, index, rest))
            return Status::error(name + ": unexpected tensor " + t.name);
        if (index == 0) // the decoder's layer 0 is the clamp; an encoder starts with a conv
            return Status::error(name + " holds a TAESD encoder (it has " + t.name +
                                 "); the previews need the decoder (taesd_decoder.safetensors "
                                 "or taesdxl_decoder.safetensors)");
        if (auto s = weights.add("layers." + std::to_string(index - 1) + "." + rest, file, t.name);
            !s)
            return s;
    }
    return Status::ok();
}

std::string firstExisting(const fs::path& dir, std::initializer_list<const char*> names)
{
    std::error_code ec;
    for (const char* n : names)
        if (fs::is_regular_file(dir / n, ec))
            return (dir / n).string();
    return {};
}

} // namespace

Result<TinyDecoderWeights> readTinyDecoderWeights(const std::string& path)
{
    std::error_code ec;
    const fs::path p(path);
    TinyDecoderWeights out;
    std::optional<TinyDecoderConfig> fromJson;
    if (fs::is_directory(p, ec)) {
        out.path = firstExisting(
            p, {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"});
        if (out.path.empty())
            return Status::error(path + ": no diffusion_pytorch_model.safetensors (a tiny "
                                        "decoder folder is a diffusers AutoencoderTiny)");
        const fs::path configPath = p / "config.json";
        if (fs::is_regular_file(configPath, ec)) {
            auto json = readJsonFile(configPath.string());
            if (!json)
                return json.status();
            auto config = tinyDecoderConfigFromJson(json.value(), configPath.string());
            if (!config)
                return config.status();
            fromJson = config.value();
        }
    } else if (fs::is_regular_file(p, ec)) {
        out.path = path;
    } else {
        return Status::error(path + ": no such file or folder");
    }
    auto file = SafetensorsFile::open(out.path);
    if (!file)
        return file.status();
    out.weights = WeightSet(kComponent);
    if (auto s = mapKeys(file.value(), out.weights, out.format); !s)
        return s;
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& name : out.weights.names())
        shapes[name] = out.weights.shape(name);
    auto inferred = tinyDecoderConfigFromShapes(shapes, out.path);
    if (!inferred)
        return inferred.status();
    out.config = inferred.value();
    if (fromJson) {
        // The file's tensors decide the layers; config.json adds the upsampling factor and
        // must agree with them.
        TinyDecoderConfig expected = *fromJson;
        out.config.upsamplingFactor = expected.upsamplingFactor;
        if (!(expected == out.config))
            return Status::error(out.path + ": its tensors do not match " +
                                 (fs::path(path) / "config.json").string() +
                                 " (block counts, widths or channels differ)");
    }
    return out;
}

} // namespace md

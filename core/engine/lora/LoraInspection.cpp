#include "engine/lora/LoraInspection.h"

#include "engine/io/SafetensorsFile.h"
#include "engine/lora/LoraKeys.h"
#include "engine/lora/LoraModuleTable.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace md::lora {

std::vector<std::string> triggerWords(const std::map<std::string, std::string>& metadata,
                                      size_t count)
{
    auto it = metadata.find("ss_tag_frequency");
    if (it == metadata.end())
        return {};
    const auto json = nlohmann::json::parse(it->second, nullptr, false);
    if (!json.is_object())
        return {};
    std::map<std::string, double> totals;
    for (const auto& dataset : json.items()) {
        if (!dataset.value().is_object())
            continue;
        for (const auto& tag : dataset.value().items()) {
            if (!tag.value().is_number())
                continue;
            std::string name = tag.key();
            const auto first = name.find_first_not_of(' ');
            const auto last = name.find_last_not_of(' ');
            if (first == std::string::npos)
                continue;
            totals[name.substr(first, last - first + 1)] += tag.value().get<double>();
        }
    }
    std::vector<std::pair<std::string, double>> sorted(totals.begin(), totals.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> out;
    for (size_t i = 0; i < sorted.size() && i < count; ++i)
        out.push_back(sorted[i].first);
    return out;
}

std::string baseModelOf(const std::map<std::string, std::string>& metadata)
{
    for (const char* key :
         {"ss_base_model_version", "ss_sd_model_name", "modelspec.architecture"}) {
        auto it = metadata.find(key);
        if (it != metadata.end() && !it->second.empty())
            return it->second;
    }
    return "";
}

Result<LoraInfo> inspectLoraFile(const std::string& path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.status();
    auto layout = parseLoraKeys(**file, LoraModuleTable::standard());
    if (!layout)
        return layout.status();
    LoraInfo info;
    info.path = path;
    std::string name = path.substr(path.find_last_of('/') + 1);
    const std::string extension = ".safetensors";
    if (name.size() > extension.size() &&
        name.compare(name.size() - extension.size(), extension.size(), extension) == 0)
        name.resize(name.size() - extension.size());
    info.name = name;
    info.family = layout->family;
    info.format = layout->format;
    info.rank = layout->rank;
    info.unetModules = layout->unetModules();
    info.textEncoderModules = layout->textEncoderModules();
    info.unknownKeys = static_cast<int>(layout->unknownKeys.size());
    info.triggerWords = triggerWords((*file)->metadata());
    info.baseModel = baseModelOf((*file)->metadata());
    return info;
}

} // namespace md::lora

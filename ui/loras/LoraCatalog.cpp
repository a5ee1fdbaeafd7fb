#include "ui/loras/LoraCatalog.h"

#include "document/LoraFiles.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace md {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

Status LoraCatalog::load(const std::string& folder, const Inspect& inspect)
{
    clear();
    m_folder = folder;
    auto files = loraFilesIn(folder);
    if (!files)
        return files.status();
    for (const std::string& path : files.value()) {
        LoraEntry e;
        e.path = path;
        e.name = std::filesystem::path(path).stem().string();
        auto info = inspect(path);
        if (info)
            e.info = std::move(info.value());
        else
            e.error = info.error();
        m_entries.push_back(std::move(e));
    }
    return Status::ok();
}

void LoraCatalog::clear()
{
    m_folder.clear();
    m_entries.clear();
}

std::vector<std::size_t> LoraCatalog::matching(const std::string& filter) const
{
    std::vector<std::string> words;
    std::istringstream in(lower(filter));
    for (std::string w; in >> w;)
        words.push_back(w);
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const LoraEntry& e = m_entries[i];
        std::string haystack = e.name + "\n" + e.info.family + "\n" + e.info.format;
        for (const std::string& t : e.info.triggerWords)
            haystack += "\n" + t;
        haystack = lower(haystack);
        const bool all = std::all_of(words.begin(), words.end(), [&](const std::string& w) {
            return haystack.find(w) != std::string::npos;
        });
        if (all)
            out.push_back(i);
    }
    return out;
}

bool LoraCatalog::fitsModel(const std::string& loraFamily, const std::string& modelFamily)
{
    if (loraFamily.empty() || loraFamily == "unknown" || modelFamily.empty() ||
        startsWith(modelFamily, "custom"))
        return true;
    return modelFamily == loraFamily || startsWith(modelFamily, loraFamily + " ");
}

std::string LoraCatalog::tagFor(const std::string& name)
{
    return "<lora:" + name + ":1>";
}

} // namespace md

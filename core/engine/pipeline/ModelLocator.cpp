#include "engine/pipeline/ModelLocator.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace md {

namespace {

bool isSafetensors(const fs::path& p)
{
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".safetensors";
}

bool isDiffusersFolder(const fs::path& dir)
{
    std::error_code ec;
    return fs::is_regular_file(dir / "model_index.json", ec) || fs::is_directory(dir / "unet", ec);
}

std::vector<fs::path> sortedEntries(const fs::path& dir)
{
    std::vector<fs::path> entries;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    return entries;
}

// A diffusers folder itself, else its first .safetensors file (sorted), else nothing.
std::optional<std::string> modelIn(const fs::path& dir)
{
    if (isDiffusersFolder(dir))
        return dir.string();
    std::error_code ec;
    for (const fs::path& e : sortedEntries(dir))
        if (fs::is_regular_file(e, ec) && isSafetensors(e))
            return e.string();
    return std::nullopt;
}

} // namespace

std::string executableDir()
{
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> defaultModelSearchDirs(const std::vector<std::string>& extra)
{
    std::vector<std::string> dirs;
    const auto add = [&dirs](const fs::path& dir) {
        if (dir.empty())
            return;
        const std::string clean = dir.lexically_normal().string();
        if (std::find(dirs.begin(), dirs.end(), clean) == dirs.end())
            dirs.push_back(clean);
    };
    if (const char* env = std::getenv("MDSTUDIO_MODELS"); env && *env)
        add(env);
    if (const std::string exe = executableDir(); !exe.empty()) {
        add(fs::path(exe) / ".." / "share" / "mdstudio" / "models");
        add(fs::path(exe) / ".." / "resources" / "models");
        add(fs::path(exe) / ".." / ".." / "resources" / "models");
    }
    for (const std::string& d : extra)
        add(d);
    return dirs;
}

std::vector<std::string> findModels(const std::vector<std::string>& searchDirs)
{
    std::vector<std::string> models;
    const auto add = [&models](const std::string& model) {
        if (std::find(models.begin(), models.end(), model) == models.end())
            models.push_back(model);
    };
    for (const auto& d : searchDirs) {
        std::error_code ec;
        const fs::path dir(d);
        if (!fs::is_directory(dir, ec))
            continue;
        const std::vector<fs::path> entries = sortedEntries(dir);
        for (const auto& e : entries)
            if (fs::is_directory(e, ec))
                if (auto model = modelIn(e))
                    add(*model);
        for (const auto& e : entries)
            if (fs::is_regular_file(e, ec) && isSafetensors(e))
                add(e.string());
    }
    return models;
}

std::optional<std::string> findDefaultModel(const std::vector<std::string>& searchDirs)
{
    const std::vector<std::string> models = findModels(searchDirs);
    if (models.empty())
        return std::nullopt;
    return models.front();
}

std::string modelDisplayName(const std::string& path)
{
    fs::path p(path);
    if (!p.has_filename())
        p = p.parent_path(); // "models/tiny-sd15/"
    const std::string name = p.filename().string();
    return name.empty() ? path : name;
}

} // namespace md

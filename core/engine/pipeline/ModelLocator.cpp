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
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    return ext == ".safetensors";
}

// A diffusers folder itself, else its first .safetensors file (sorted), else nothing.
std::optional<std::string> modelIn(const fs::path& dir)
{
    std::error_code ec;
    if (fs::exists(dir / "model_index.json", ec))
        return dir.string();
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) && isSafetensors(e.path()))
            files.push_back(e.path());
    if (files.empty())
        return std::nullopt;
    return std::min_element(files.begin(), files.end())->string();
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
    if (const char* env = std::getenv("MDSTUDIO_MODELS"); env && *env)
        dirs.emplace_back(env);
    const std::string exe = executableDir();
    if (!exe.empty()) {
        dirs.push_back((fs::path(exe) / ".." / "share" / "mdstudio" / "models").lexically_normal());
        dirs.push_back((fs::path(exe) / ".." / ".." / "resources" / "models").lexically_normal());
    }
    dirs.insert(dirs.end(), extra.begin(), extra.end());
    return dirs;
}

std::optional<std::string> findDefaultModel(const std::vector<std::string>& searchDirs)
{
    for (const auto& d : searchDirs) {
        std::error_code ec;
        const fs::path dir(d);
        if (!fs::is_directory(dir, ec))
            continue;
        std::vector<fs::path> entries;
        for (const auto& e : fs::directory_iterator(dir, ec))
            entries.push_back(e.path());
        std::sort(entries.begin(), entries.end());
        for (const auto& e : entries) {
            if (fs::is_directory(e, ec)) {
                if (auto model = modelIn(e))
                    return model;
            }
        }
        for (const auto& e : entries) {
            if (fs::is_regular_file(e, ec) && isSafetensors(e))
                return e.string();
        }
    }
    return std::nullopt;
}

} // namespace md

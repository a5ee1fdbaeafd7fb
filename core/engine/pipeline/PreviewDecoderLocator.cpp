#include "engine/pipeline/PreviewDecoderLocator.h"

#include "engine/pipeline/ModelLocator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace md {

namespace {

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool isDir(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool isTinyFolder(const fs::path& dir)
{
    return isFile(dir / "diffusion_pytorch_model.safetensors") ||
           isFile(dir / "diffusion_pytorch_model.fp16.safetensors");
}

// An AutoencoderTiny folder, or the family's file inside `dir`; "" when neither.
std::string decoderIn(const fs::path& dir, const std::string& fileName)
{
    if (!isDir(dir))
        return {};
    if (isTinyFolder(dir))
        return dir.string();
    if (isFile(dir / fileName))
        return (dir / fileName).string();
    return {};
}

bool stableDiffusionVae(const PreviewDecoderQuery& q)
{
    const double expected = q.sdxl ? 0.13025 : 0.18215;
    return q.latentChannels == 4 && std::abs(q.vaeScalingFactor - expected) < 1e-4;
}

} // namespace

std::string previewDecoderFileName(bool sdxl)
{
    return sdxl ? "taesdxl_decoder.safetensors" : "taesd_decoder.safetensors";
}

std::vector<std::string> findPreviewDecoders(const PreviewDecoderQuery& query,
                                             const std::vector<std::string>& appDirs)
{
    std::vector<std::string> found;
    const auto add = [&found](const std::string& path) {
        if (!path.empty() && std::find(found.begin(), found.end(), path) == found.end())
            found.push_back(path);
    };
    const std::string fileName = previewDecoderFileName(query.sdxl);
    const fs::path model(query.modelPath);
    if (isDir(model)) {
        add(decoderIn(model / "taesd", fileName));
        add(decoderIn(model / "vae_tiny", fileName));
        if (isFile(model / fileName))
            add((model / fileName).string());
    } else if (isFile(model)) {
        const fs::path beside = model.parent_path() / fileName;
        if (isFile(beside))
            add(beside.string());
    }
    if (!stableDiffusionVae(query))
        return found;
    for (const std::string& d : appDirs) {
        const fs::path dir(d);
        if (isFile(dir / fileName))
            add((dir / fileName).string());
        const fs::path folder = dir / (query.sdxl ? "taesdxl" : "taesd");
        if (isDir(folder) && isTinyFolder(folder))
            add(folder.string());
    }
    return found;
}

std::vector<std::string> defaultPreviewDecoderDirs(const std::vector<std::string>& extra)
{
    std::vector<std::string> dirs;
    const auto add = [&dirs](const fs::path& dir) {
        const std::string clean = dir.lexically_normal().string();
        if (!clean.empty() && std::find(dirs.begin(), dirs.end(), clean) == dirs.end())
            dirs.push_back(clean);
    };
    if (const std::string exe = executableDir(); !exe.empty()) {
        add(fs::path(exe) / ".." / "share" / "mdstudio" / "taesd");
        add(fs::path(exe) / ".." / "resources" / "taesd");
        add(fs::path(exe) / ".." / ".." / "resources" / "taesd");
    }
    for (const std::string& d : extra)
        add(d);
    return dirs;
}

} // namespace md

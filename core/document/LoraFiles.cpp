#include "document/LoraFiles.h"

#include "document/LoraHash.h"
#include "engine/LoraTags.h"
#include "engine/PathKind.h"

#include <algorithm>
#include <filesystem>

namespace md {

namespace fs = std::filesystem;

namespace {

void addUses(const std::string& prompt, std::vector<ResultLora>& out)
{
    for (const LoraUse& use : extractLoraTags(prompt).loras) {
        bool known = false;
        for (const ResultLora& l : out)
            known = known || l.name == use.name;
        if (!known)
            out.push_back({use.name, use.unetWeight, use.textWeight, ""});
    }
}

} // namespace

Result<std::string> findLoraFile(const std::string& name, const std::vector<std::string>& dirs)
{
    if (name.empty() || name.front() == '.' || name.find_first_of("/\\") != std::string::npos)
        return Status::error("the LoRA name \"" + name +
                             "\" is not a file name (no folders, no leading '.')");
    if (dirs.empty())
        return Status::error("the LoRA \"" + name +
                             "\" is used but no LoRA folder is set (the app's Preferences, or "
                             "--lora-dir DIR)");
    std::string searched;
    for (const std::string& dir : dirs) {
        const std::string path = (fs::path(dir) / (name + ".safetensors")).string();
        if (pathKind(path) == PathKind::Regular)
            return path;
        searched += (searched.empty() ? "" : ", ") + dir;
    }
    return Status::error("the LoRA \"" + name + "\" is missing: no " + name + ".safetensors in " +
                         searched);
}

Result<std::vector<std::string>> loraFilesIn(const std::string& dir)
{
    if (pathKind(dir) != PathKind::Directory)
        return Status::error(dir + " is not a folder");
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (p.extension() == ".safetensors" && p.filename().string().front() != '.' &&
            pathKind(p.string()) == PathKind::Regular)
            files.push_back(p.string());
    }
    if (ec)
        return Status::error(dir + ": cannot list the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<ResultLora> lorasOfPrompts(const GenerateRequest& request)
{
    std::vector<ResultLora> out;
    addUses(request.prompt, out);
    for (const Region& r : request.regions)
        addUses(r.prompt, out);
    return out;
}

Result<std::vector<ResultLora>> recordLoras(const GenerateRequest& request)
{
    std::vector<ResultLora> loras = lorasOfPrompts(request);
    for (ResultLora& l : loras) {
        auto path = findLoraFile(l.name, request.loraDirs);
        if (!path)
            return path.status();
        auto hash = loraFileHash(path.value());
        if (!hash)
            return hash.status();
        l.hash = hash.value();
    }
    return loras;
}

} // namespace md

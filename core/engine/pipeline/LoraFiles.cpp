#include "engine/pipeline/LoraFiles.h"

#include "engine/LoraTags.h"

#include <filesystem>
#include <string>
#include <system_error>

namespace md {

namespace {

namespace fs = std::filesystem;

Status checkPrompt(const std::string& label, const std::string& text, bool negative)
{
    const LoraTagged tagged = extractLoraTags(text);
    if (!tagged.errors.empty())
        return Status::error(label + ": " + tagged.errors.front());
    if (negative && !tagged.loras.empty())
        return Status::error(label + " has the LoRA tag <lora:" + tagged.loras.front().name +
                             ">; LoRA tags act from a prompt, not from its negative (move it "
                             "to the prompt)");
    return Status::ok();
}

std::string folderList(const std::vector<std::string>& dirs)
{
    std::string list;
    for (const std::string& dir : dirs)
        list += (list.empty() ? "" : ", ") + dir;
    return list;
}

} // namespace

Status checkLoraTags(const GenerateRequest& r)
{
    if (Status s = checkPrompt("the prompt", r.prompt, false); !s)
        return s;
    if (Status s = checkPrompt("the negative prompt", r.negative, true); !s)
        return s;
    for (size_t i = 0; i < r.regions.size(); ++i) {
        const std::string region = "region " + std::to_string(i + 1);
        if (Status s = checkPrompt(region + "'s prompt", r.regions[i].prompt, false); !s)
            return s;
        if (Status s = checkPrompt(region + "'s negative prompt", r.regions[i].negative, true); !s)
            return s;
    }
    return Status::ok();
}

Result<std::vector<LoraFileUse>> resolveLoraFiles(const GenerateRequest& request)
{
    std::vector<LoraFileUse> files;
    for (const std::string& name : loraNamesOf(request)) {
        if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
            name.find("..") != std::string::npos)
            return Status::error("the LoRA name \"" + name +
                                 "\" holds '/', '\\' or \"..\": <lora:NAME:WEIGHT> names a "
                                 "file in a LoRA folder (NAME.safetensors), not a path");
        const std::string file = name + ".safetensors";
        bool found = false;
        for (const std::string& dir : request.loraDirs) {
            std::error_code error;
            const fs::path path = fs::path(dir) / file;
            if (fs::is_regular_file(path, error)) {
                files.push_back({name, path.string()});
                found = true;
                break;
            }
        }
        if (found)
            continue;
        if (request.loraDirs.empty())
            return Status::error("the LoRA \"" + name + "\" (" + file +
                                 ") cannot be found: no LoRA folder is set (the CLI's "
                                 "--lora-dir, or the LoRA folder in the app's preferences)");
        return Status::error("the LoRA \"" + name + "\" cannot be found: no " + file + " in " +
                             folderList(request.loraDirs));
    }
    return files;
}

} // namespace md

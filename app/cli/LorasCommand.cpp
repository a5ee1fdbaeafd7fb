// mdstudio-cli loras DIR: the LoRA files of a folder, one line each: the name a prompt's
// <lora:NAME:W> tag uses, the model family it is for, its format and rank, A1111's short
// hash, and the trigger words its training metadata lists. Files that are not LoRAs are
// reported on stderr and skipped.

#include "CommandLine.h"
#include "document/LoraFiles.h"
#include "document/LoraHash.h"

#include <cstdio>

namespace md::cli {

namespace {

std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const std::string& w : words)
        out += (out.empty() ? "" : ", ") + w;
    return out;
}

} // namespace

int runLoras(const std::vector<std::string>& args)
{
    CommandLine cl("loras", "Lists the LoRA files (.safetensors) of DIR: name, model family, "
                            "format, rank, short hash (as A1111's \"Lora hashes\") and trigger "
                            "words.");
    std::string dir;
    bool noHash = false;
    cl.positional("DIR", dir, "the LoRA folder");
    cl.flag("--no-hash", noHash, "skip the hashes (they read every file whole)");
    if (auto exit = cl.parse(args))
        return *exit;
    if (dir.empty())
        return cl.usageError("expected the LoRA folder");
    auto files = loraFilesIn(dir);
    if (!files)
        return cl.fail(files.error());
    int skipped = 0;
    for (const std::string& path : files.value()) {
        auto info = Engine::inspectLora(path);
        if (!info) {
            std::fprintf(stderr, "skipped %s: %s\n", path.c_str(), info.error().c_str());
            ++skipped;
            continue;
        }
        std::string hash = "-";
        if (!noHash) {
            auto h = loraFileHash(path);
            if (!h) {
                std::fprintf(stderr, "skipped %s: %s\n", path.c_str(), h.error().c_str());
                ++skipped;
                continue;
            }
            hash = loraShortHash(h.value());
        }
        const LoraInfo& l = info.value();
        std::printf("%-24s %-8s %-22s rank %-4d %-12s %s\n", l.name.c_str(), l.family.c_str(),
                    l.format.c_str(), l.rank, hash.c_str(),
                    l.triggerWords.empty() ? "-" : joined(l.triggerWords).c_str());
    }
    if (files->empty())
        std::fprintf(stderr, "no .safetensors files in %s\n", dir.c_str());
    else if (skipped > 0)
        std::fprintf(stderr, "%d of %zu files are not LoRAs\n", skipped, files->size());
    return kExitOk;
}

} // namespace md::cli

// mdstudio-cli: a thin dispatch table. Each command lives in its own file (XxxCommand.cpp)
// and is listed once below.

#include "BatchCommand.h"
#include "Command.h"
#include "document/AtomicFile.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

const md::cli::Command kCommands[] = {
    {"generate", "text-to-image into a PNG", md::cli::runGenerate},
    {"tokenize", "print the 77 token ids of a prompt as a JSON array", md::cli::runTokenize},
    {"info", "describe a model: architecture, prediction, dtype, parameters", md::cli::runInfo},
    {"bench", "time UNet calls and whole images", md::cli::runBench},
    {"batch", "render a saved project (.mdsp or exported PNG) for many seeds", md::cli::runBatch},
    {"loras", "list a folder's LoRA files: family, format, rank, hash, trigger words",
     md::cli::runLoras},
};

void printUsage(std::FILE* out)
{
    std::fprintf(out,
                 "usage: mdstudio-cli <command> [options]   (mdstudio-cli <command> --help)\n\n"
                 "commands:\n");
    for (const auto& c : kCommands)
        std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
}

} // namespace

int main(int argc, char** argv)
{
    // A write past the file size limit fails with EFBIG (reported) rather than killing us.
    md::ignoreFileSizeSignal();
    if (argc < 2) {
        printUsage(stderr);
        return md::cli::kExitUsage;
    }
    const std::string name = argv[1];
    if (name == "-h" || name == "--help" || name == "help") {
        printUsage(stdout);
        return md::cli::kExitOk;
    }
    for (const auto& c : kCommands) {
        if (name == c.name)
            return c.run(std::vector<std::string>(argv + 2, argv + argc));
    }
    std::string names;
    for (const auto& c : kCommands)
        names += (names.empty() ? "" : ", ") + std::string(c.name);
    std::fprintf(stderr, "mdstudio-cli: unknown command '%s' (commands: %s)\n", name.c_str(),
                 names.c_str());
    return md::cli::kExitUsage;
}

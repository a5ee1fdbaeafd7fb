// mdstudio-cli info: what a checkpoint is (architecture, prediction, dtypes, parameters).

#include "ArgParser.h"
#include "Command.h"
#include "ModelArgs.h"

#include <cstdio>

namespace md::cli {

int runInfo(const std::vector<std::string>& args)
{
    const std::string cmd = "info";
    ArgParser p(cmd, "Loads a model and prints its detected architecture, prediction type, "
                     "dtypes and parameter counts.");
    addModelOptions(p);
    if (auto s = p.parse(args); !s)
        return fail(cmd, s.message(), kExitUsage);
    if (p.helpRequested()) {
        std::printf("%s", p.usage().c_str());
        return kExitOk;
    }
    auto options = modelOptionsFrom(p);
    if (!options)
        return fail(cmd, options.error(), kExitUsage);
    Engine engine;
    if (auto s = loadEngine(engine, options.value()); !s)
        return fail(cmd, s.message());
    for (const auto& [label, value] : engine.describe())
        std::printf("%-26s %s\n", (label + ":").c_str(), value.c_str());
    return kExitOk;
}

} // namespace md::cli

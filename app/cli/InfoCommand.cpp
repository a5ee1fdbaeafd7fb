// mdstudio-cli info: what a checkpoint is (family, text encoders, VAE, prediction, dtypes,
// parameters).

#include "CommandLine.h"
#include "InfoLines.h"

#include <cstdio>

namespace md::cli {

int runInfo(const std::vector<std::string>& args)
{
    CommandLine cl("info", "Loads a model and prints its detected family and architecture (text "
                           "encoders, VAE), prediction type, dtypes and parameter counts.");
    cl.addModelOptions();
    if (auto exit = cl.parse(args))
        return *exit;
    Engine engine;
    if (auto exit = cl.loadModel(engine))
        return *exit;
    for (const auto& [label, value] : infoLines(engine.info(), engine.describe()))
        std::printf("%-26s %s\n", (label + ":").c_str(), value.c_str());
    return kExitOk;
}

} // namespace md::cli

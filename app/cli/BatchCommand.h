#pragma once

// mdstudio-cli batch: renders a saved project (or an exported PNG) for many seeds, with a
// manifest, --resume and a clean stop on Ctrl+C (the work is document/BatchRun.h).

#include <string>
#include <vector>

namespace md::cli {

int runBatch(const std::vector<std::string>& args);

} // namespace md::cli

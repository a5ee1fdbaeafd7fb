#pragma once

// mdstudio-cli batch: renders a saved project (or an exported PNG) for many seeds, with a
// manifest, --resume and a clean stop on Ctrl+C. Also the helper behind
// `generate --save-project`.

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <string>
#include <vector>

namespace md::cli {

int runBatch(const std::vector<std::string>& args);

// Writes the .mdsp project that `request` describes (model referenced by path and hash), with
// `image` as its first result.
Status saveGeneratedProject(const std::string& path, const GenerateRequest& request,
                            const std::string& modelPath, const RgbImage& image);

} // namespace md::cli

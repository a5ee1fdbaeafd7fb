#pragma once

// Where models are found when none is named: one set of rules for the CLI and the app.
// Folders are searched in order (see defaultModelSearchDirs); in each one, the sub-folders
// come first, then the .safetensors files directly in it, each group sorted by name. A
// sub-folder is a model when it is a diffusers folder (model_index.json or a unet/ folder);
// otherwise its first .safetensors file is (resources/models/<name>/<name>.safetensors).

#include <optional>
#include <string>
#include <vector>

namespace md {

// The folders to search, in order, duplicates removed: $MDSTUDIO_MODELS (when set),
// <exe>/../share/mdstudio/models (installed), <exe>/../resources/models and
// <exe>/../../resources/models (a build tree inside the source tree), then `extra` (the
// executables pass the source tree's resources/models they were built from).
std::vector<std::string> defaultModelSearchDirs(const std::vector<std::string>& extra = {});

// Every model in the folders, in search order (the rules above).
std::vector<std::string> findModels(const std::vector<std::string>& searchDirs);

// The first of findModels(searchDirs): the default model.
std::optional<std::string> findDefaultModel(const std::vector<std::string>& searchDirs);

// A short name for a model path ("tiny-sd15", "dreamshaper.safetensors").
std::string modelDisplayName(const std::string& path);

// The running executable's directory ("" when unknown).
std::string executableDir();

} // namespace md

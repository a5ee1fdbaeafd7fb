#pragma once

// Where the embedded default model lives when no --model is given: a folder
// `models/<name>` under the installed data dir (share/mdstudio/models) or the source
// tree's resources/models. The executables pass the candidate folders they know about.

#include <optional>
#include <string>
#include <vector>

namespace md {

// The folders to search, in order: $MDSTUDIO_MODELS (when set), <exe>/../share/mdstudio/models,
// <exe>/../../resources/models (a build tree inside the source tree), then `extra`.
std::vector<std::string> defaultModelSearchDirs(const std::vector<std::string>& extra = {});

// The first model of the first folder that has one, entries sorted by name: a sub-folder
// with model_index.json (a diffusers folder), else a sub-folder's first .safetensors file,
// else a .safetensors file directly in the folder.
std::optional<std::string> findDefaultModel(const std::vector<std::string>& searchDirs);

// The running executable's directory ("" when unknown).
std::string executableDir();

} // namespace md

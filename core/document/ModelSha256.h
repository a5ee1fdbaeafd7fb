#pragma once

// The SHA-256 of a whole single-file checkpoint: what A1111 (and Civitai's "AutoV2" hash) names
// a model by, "Model hash: <its first 10 hex digits>". Reading a 7 GB SDXL file takes seconds,
// so digests are cached, as A1111 caches them: one JSON file keyed by the canonical path, an
// entry valid while the file's size and modification time are unchanged (and remembered by
// the process, for when the cache file cannot be written).

#include "engine/Status.h"

#include <string>

namespace md {

// Lower-case hex SHA-256 of the file at `path` (from the cache when it is still valid; a new
// digest is added to it). A cache that cannot be read or written is only skipped.
Result<std::string> modelFileSha256(const std::string& path);

// The cache file: $MDSTUDIO_CACHE_DIR, else $XDG_CACHE_HOME/mdstudio, else ~/.cache/mdstudio,
// then "/model-sha256.json"; "" when none of them is set.
std::string modelHashCachePath();

// A1111's "Model hash" field: the first 10 hex digits of the file's SHA-256.
std::string a1111ModelHash(const std::string& sha256);

} // namespace md

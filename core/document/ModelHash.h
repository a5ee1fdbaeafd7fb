#pragma once

// Identifies a model on disk cheaply, so a project notices a model that moved or changed.
//
// contentHash = "fast-sha256:" + hex SHA-256 over
//     "mdstudio-fast-hash-v1\0", then per file: u64 little-endian size, its first MiB and its
//     last MiB (the last part starts no earlier than where the first ended).
//   A single file is hashed alone; a folder (diffusers layout) hashes every regular file under
//   it, sorted by relative path, each preceded by its relative path and a NUL byte.
//   It reads at most 2 MiB per file, so it takes milliseconds even for 7 GB checkpoints.
// shortHash = A1111's legacy "Model hash": the first 8 hex digits of SHA-256 over the 64 KiB
//   at offset 1 MiB of a single-file checkpoint (empty for folders).
// sha256 = the SHA-256 of the whole single file (empty for folders), whose first 10 hex digits
//   are today's A1111 "Model hash"; computed once per file version and cached (ModelSha256.h).

#include "document/Project.h"
#include "engine/Status.h"

#include <string>

namespace md {

// The reference to store in a project for the model at `path` (file or folder). An empty path
// means the embedded default model: displayName "embedded default", no hashes. Without
// `withSha256` the whole-file digest is left empty (milliseconds whatever the cache holds).
Result<ModelReference> describeModel(const std::string& path, bool withSha256 = true);

enum class ModelCheck { Same, Missing, Changed, Unknown };
// Compares the model now at ref.path with the stored hash (Unknown: nothing stored to compare).
ModelCheck checkModel(const ModelReference& ref);

} // namespace md

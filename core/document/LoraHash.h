#pragma once

// The hash AUTOMATIC1111 names a LoRA file by (its "Lora hashes" infotext field, Civitai's
// look-ups): for a .safetensors file, the SHA-256 of the bytes after the 8-byte header length
// and the JSON header, i.e. of the tensor data alone (the kohya "addnet" hash, unchanged by
// metadata edits); when the header's metadata holds "sshs_model_hash" (kohya's trainer writes
// that same hash at save time), that value instead. The short hash is its first 12 hex digits.
// Hashing reads the whole file, so digests are remembered for the process, keyed by the
// canonical path, size and modification time (thread-safe: the GUI's worker thread hashes,
// the GUI thread reads the answer).

#include "engine/Status.h"

#include <string>

namespace md {

// Lower-case hex; an error naming the file when it is not a readable safetensors file.
Result<std::string> loraFileHash(const std::string& path);

// The first 12 hex digits (A1111's shorthash); a shorter hash as it is.
std::string loraShortHash(const std::string& hash);

} // namespace md

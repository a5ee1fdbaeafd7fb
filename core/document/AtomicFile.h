#pragma once

// Whole-file reads and atomic whole-file writes. A write goes to a temporary file in the same
// folder, is flushed and fsync'ed, renamed over the target, and the folder is fsync'ed: a
// crash or a full disk at any point leaves either the old file or the new one, never a mix.

#include "engine/Status.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace md {

// Reads a whole file; refuses files larger than maxBytes.
Result<std::vector<std::uint8_t>> readFileBytes(const std::string& path,
                                                std::uint64_t maxBytes = 2ull << 30);

Status writeFileAtomic(const std::string& path, const std::uint8_t* data, std::size_t size);
inline Status writeFileAtomic(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    return writeFileAtomic(path, bytes.data(), bytes.size());
}

// Test seam: called before each step of every atomic write ("write" per chunk, with the bytes
// written so far; "fsync"; "rename"). Returning an error makes that step fail as if the disk
// had. Pass an empty function to remove it. Process-wide; for tests only.
enum class AtomicWriteStage { Write, Fsync, Rename };
using AtomicWriteFaultHook =
    std::function<Status(AtomicWriteStage stage, std::uint64_t bytesWritten)>;
void setAtomicWriteFaultHook(AtomicWriteFaultHook hook);

} // namespace md

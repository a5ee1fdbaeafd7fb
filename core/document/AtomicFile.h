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

// Reads a whole file; refuses files larger than maxBytes and anything that is not a regular
// file (a FIFO, a device, a socket, a folder: see FileType.h), without blocking.
Result<std::vector<std::uint8_t>> readFileBytes(const std::string& path,
                                                std::uint64_t maxBytes = 2ull << 30);

// Refuses a target that exists and is not a regular file (or a link to one): a device, a FIFO,
// a socket, a folder is never replaced. Write, fsync, close and rename errors are all reported
// ("x.mdsp: write failed: No space left on device; the previous file is unchanged") and the
// temporary file is removed. The temporary file is DIR/.NAME.tmp-<pid>-<random>; each write
// first removes the stale ones of the same target (see removeStaleTemps).
Status writeFileAtomic(const std::string& path, const std::uint8_t* data, std::size_t size);
inline Status writeFileAtomic(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    return writeFileAtomic(path, bytes.data(), bytes.size());
}

// Removes the temporary files a killed writer left for `path` (DIR/.NAME.tmp-*, regular files
// only) that are stale: unchanged for 60 s and their writer (the pid in the name) no longer
// runs on this machine, or unchanged for an hour whoever wrote them. Returns how many.
int removeStaleTemps(const std::string& path);

// Ignores SIGXFSZ, so that a write past the file size limit (RLIMIT_FSIZE) fails with EFBIG
// and is reported like a full disk instead of killing the process. The programs call it once.
void ignoreFileSizeSignal();

// Test seam: called before each step of every atomic write ("write" per chunk, with the bytes
// written so far; "fsync"; "rename"). Returning an error makes that step fail as if the disk
// had. Pass an empty function to remove it. Process-wide; for tests only.
enum class AtomicWriteStage { Write, Fsync, Rename };
using AtomicWriteFaultHook =
    std::function<Status(AtomicWriteStage stage, std::uint64_t bytesWritten)>;
void setAtomicWriteFaultHook(AtomicWriteFaultHook hook);

} // namespace md

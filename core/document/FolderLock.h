#pragma once

// An exclusive lock on a folder, for work that must not run twice on it at once (two
// `mdstudio-cli batch` runs writing one output folder and its manifest). It is flock(2) on
// DIR/<name>, which holds the owner's pid for the message; the kernel releases it when the
// process ends, however it ends, so a crash never leaves the folder locked. The file stays.

#include "engine/Status.h"

#include <memory>
#include <string>

namespace md {

class FolderLock
{
public:
    static constexpr const char* kBatchLockName = ".mdstudio-batch.lock";

    // Takes the lock without waiting. When another process (or another FolderLock) holds it:
    // "OUT is in use by another batch (process 1234 holds OUT/.mdstudio-batch.lock); wait for
    // it to finish or choose another output folder".
    static Result<FolderLock> acquire(const std::string& dir, const std::string& name);

    FolderLock(FolderLock&&) noexcept;
    FolderLock& operator=(FolderLock&&) noexcept;
    ~FolderLock();

    const std::string& path() const { return m_path; }

private:
    FolderLock() = default;
    int m_fd = -1;
    std::string m_path;
};

} // namespace md

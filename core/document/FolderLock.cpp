#include "document/FolderLock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace md {

Result<FolderLock> FolderLock::acquire(const std::string& dir, const std::string& name)
{
    FolderLock lock;
    lock.m_path = dir + "/" + name;
    // O_NOFOLLOW: a link planted in the folder does not redirect the pid written below.
    lock.m_fd = ::open(lock.m_path.c_str(),
                       O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0644);
    if (lock.m_fd < 0)
        return Status::error("cannot create the lock file " + lock.m_path + ": " +
                             std::strerror(errno));
    struct stat st;
    if (::fstat(lock.m_fd, &st) != 0 || !S_ISREG(st.st_mode))
        return Status::error(lock.m_path + ": is not a regular file; remove it");
    if (::flock(lock.m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err != EWOULDBLOCK)
            return Status::error("cannot lock " + lock.m_path + ": " + std::strerror(err));
        char owner[32] = {};
        const ssize_t n = ::pread(lock.m_fd, owner, sizeof owner - 1, 0);
        std::string pid = n > 0 ? std::string(owner, std::size_t(n)) : std::string();
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
            pid.pop_back();
        return Status::error(dir + " is in use by another batch (" +
                             (pid.empty() ? std::string("a process") : "process " + pid) +
                             " holds " + lock.m_path +
                             "); wait for it to finish or choose another output folder");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock.m_fd, 0) != 0 ||
        ::pwrite(lock.m_fd, pid.data(), pid.size(), 0) != ssize_t(pid.size())) {
        // The pid is only for the message; the lock itself holds.
    }
    return lock;
}

FolderLock::FolderLock(FolderLock&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path))
{
}

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
    }
    return *this;
}

FolderLock::~FolderLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

} // namespace md

#include "document/AtomicFile.h"

#include "document/FileType.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace md {

namespace {

std::mutex g_hookMutex;
AtomicWriteFaultHook g_hook;

Status runHook(AtomicWriteStage stage, std::uint64_t written)
{
    std::lock_guard<std::mutex> lock(g_hookMutex);
    if (g_hook)
        return g_hook(stage, written);
    return Status::ok();
}

std::string errnoText(int err)
{
    return std::strerror(err);
}

std::string parentDir(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::string baseName(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ".NAME.tmp-" : the prefix of every temporary file written for NAME.
std::string tempPrefixFor(const std::string& path)
{
    return "." + baseName(path) + ".tmp-";
}

// DIR/.NAME.tmp-<writer pid>-<random hex>
std::string tempPathFor(const std::string& path)
{
    std::random_device rd;
    const std::uint64_t r = (std::uint64_t(rd()) << 32) ^ rd();
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, "%ld-%012llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(r & 0xffffffffffffull));
    const bool bare = path.find('/') == std::string::npos;
    return (bare ? std::string() : parentDir(path) + "/") + tempPrefixFor(path) + suffix;
}

// Whether the temporary file `name` (after the prefix: "<pid>-<hex>", or "<hex>" as older
// versions named them) with modification time `mtime` is stale: its writer is gone and it has
// not changed for kStaleSeconds, or it has not changed for kAbandonedSeconds whoever wrote it.
bool isStaleTemp(const std::string& suffix, std::time_t mtime)
{
    constexpr std::time_t kStaleSeconds = 60;
    constexpr std::time_t kAbandonedSeconds = 3600;
    const std::time_t age = std::time(nullptr) - mtime;
    if (age >= kAbandonedSeconds)
        return true;
    if (age < kStaleSeconds)
        return false;
    const auto dash = suffix.find('-');
    if (dash == std::string::npos || dash == 0 || dash > 10)
        return false;
    long pid = 0;
    for (std::size_t i = 0; i < dash; ++i) {
        if (suffix[i] < '0' || suffix[i] > '9')
            return false;
        pid = pid * 10 + (suffix[i] - '0');
    }
    if (pid <= 0 || pid == long(::getpid()))
        return false;
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

int removeStaleTemps(const std::string& path)
{
    const std::string dir = parentDir(path);
    const std::string prefix = tempPrefixFor(path);
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return 0;
    int removed = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string full = dir + "/" + name;
        struct stat st;
        if (::lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (isStaleTemp(name.substr(prefix.size()), st.st_mtime) && ::unlink(full.c_str()) == 0)
            ++removed;
    }
    ::closedir(d);
    return removed;
}

void ignoreFileSizeSignal()
{
    std::signal(SIGXFSZ, SIG_IGN);
}

namespace {

class Fd
{
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    int release()
    {
        int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

} // namespace

void setAtomicWriteFaultHook(AtomicWriteFaultHook hook)
{
    std::lock_guard<std::mutex> lock(g_hookMutex);
    g_hook = std::move(hook);
}

Result<std::vector<std::uint8_t>> readFileBytes(const std::string& path, std::uint64_t maxBytes)
{
    // Checked before opening (a FIFO would block the open), then again on what was opened,
    // without blocking (O_NONBLOCK), in case the path changed in between.
    if (auto s = checkInputFile(path); !s)
        return s;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0)
        return Status::error(path + ": cannot open: " + errnoText(errno));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return Status::error(path + ": cannot stat: " + errnoText(errno));
    if (S_ISDIR(st.st_mode))
        return Status::error(path + ": is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        return Status::error(path + ": is not a regular file");
    if (std::uint64_t(st.st_size) > maxBytes)
        return Status::error(path + ": the file is " + std::to_string(st.st_size) +
                             " bytes; the limit is " + std::to_string(maxBytes));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return Status::error(path + ": read failed: " + errnoText(errno));
        if (n == 0)
            break;
        done += std::size_t(n);
    }
    bytes.resize(done);
    return bytes;
}

Status writeFileAtomic(const std::string& path, const std::uint8_t* data, std::size_t size)
{
    if (auto s = checkOutputTarget(path); !s)
        return s;
    removeStaleTemps(path);
    const std::string temp = tempPathFor(path);
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0)
        return Status::error(path + ": cannot create a temporary file next to it (" + temp +
                             "): " + errnoText(errno) + "; the previous file is unchanged");
    auto fail = [&](const std::string& message) {
        ::close(fd.release());
        ::unlink(temp.c_str());
        return Status::error(path + ": " + message + "; the previous file is unchanged");
    };

    constexpr std::size_t kChunk = 1 << 14;
    std::size_t done = 0;
    while (done < size) {
        if (auto s = runHook(AtomicWriteStage::Write, done); !s)
            return fail("write failed: " + s.message());
        const std::size_t want = std::min(kChunk, size - done);
        const ssize_t n = ::write(fd.get(), data + done, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail("write failed: " + errnoText(n < 0 ? errno : ENOSPC));
        done += std::size_t(n);
    }
    if (auto s = runHook(AtomicWriteStage::Fsync, done); !s)
        return fail("flushing to disk failed: " + s.message());
    if (::fsync(fd.get()) != 0)
        return fail("flushing to disk failed: " + errnoText(errno));
    if (::close(fd.release()) != 0) {
        ::unlink(temp.c_str());
        return Status::error(path + ": closing failed: " + errnoText(errno) +
                             "; the previous file is unchanged");
    }
    if (auto s = runHook(AtomicWriteStage::Rename, done); !s) {
        ::unlink(temp.c_str());
        return Status::error(path + ": renaming the temporary file failed: " + s.message() +
                             "; the previous file is unchanged");
    }
    // The target may have become a device or a FIFO since the first check.
    if (auto s = checkOutputTarget(path); !s) {
        ::unlink(temp.c_str());
        return s;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return Status::error(path + ": renaming the temporary file failed: " + errnoText(err) +
                             "; the previous file is unchanged");
    }
    // Make the rename itself durable. Failure here is not fatal to the data already renamed.
    Fd dir(::open(parentDir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0)
        ::fsync(dir.get());
    return Status::ok();
}

} // namespace md

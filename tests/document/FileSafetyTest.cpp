// Inputs that are not regular files (FIFOs, devices, sockets, folders) are refused before
// they are opened, and never block; atomic writes refuse to replace them, clean up the
// temporaries a killed writer left, and leave the previous file whole on a full disk.

#include "DocumentTestUtil.h"
#include "document/AtomicFile.h"
#include "document/FileType.h"
#include "document/ImageIo.h"
#include "document/ModelHash.h"
#include "document/ModelSha256.h"
#include "document/ProjectFile.h"
#include "document/ProjectJson.h"
#include "document/ProjectJsonBounds.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

namespace md {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::string makeFifo(const test::ScratchDir& dir, const std::string& name)
{
    const std::string path = dir.path(name);
    EXPECT_EQ(::mkfifo(path.c_str(), 0644), 0);
    return path;
}

std::string makeSocket(const test::ScratchDir& dir, const std::string& name)
{
    const std::string path = dir.path(name);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << path;
    ::close(fd);
    return path;
}

std::vector<std::uint8_t> bytesOf(const std::string& s)
{
    return {s.begin(), s.end()};
}

TEST(FileSafety, ClassifiesPathsAndFollowsLinks)
{
    test::ScratchDir dir;
    test::writeAll(dir.path("file"), bytesOf("x"));
    const std::string fifo = makeFifo(dir, "fifo");
    fs::create_symlink(fifo, dir.path("link-to-fifo"));
    fs::create_symlink(dir.path("file"), dir.path("link-to-file"));
    EXPECT_EQ(pathKind(dir.path("file")), PathKind::Regular);
    EXPECT_EQ(pathKind(dir.path("link-to-file")), PathKind::Regular);
    EXPECT_EQ(pathKind(fifo), PathKind::Fifo);
    EXPECT_EQ(pathKind(dir.path("link-to-fifo")), PathKind::Fifo);
    EXPECT_EQ(pathKind(dir.dir()), PathKind::Directory);
    EXPECT_EQ(pathKind("/dev/zero"), PathKind::CharDevice);
    EXPECT_EQ(pathKind(makeSocket(dir, "sock")), PathKind::Socket);
    int error = 0;
    EXPECT_EQ(pathKind(dir.path("none"), &error), PathKind::Missing);
    EXPECT_EQ(error, ENOENT);
}

// Every reader refuses at once, naming what the path is; none blocks on the FIFO.
TEST(FileSafety, ReadersRefuseFifosDevicesSocketsAndFolders)
{
    test::ScratchDir dir;
    const std::string fifo = makeFifo(dir, "mask.png");
    fs::create_symlink(fifo, dir.path("link.mdsp"));
    const std::string sock = makeSocket(dir, "sock.mdsp");
    const struct
    {
        std::string path;
        std::string says;
    } cases[] = {{fifo, "is a FIFO (named pipe), not a regular file"},
                 {dir.path("link.mdsp"), "is a FIFO (named pipe), not a regular file"},
                 {"/dev/zero", "is a character device, not a regular file"},
                 {"/dev/urandom", "is a character device, not a regular file"},
                 {sock, "is a socket, not a regular file"},
                 {dir.dir(), "is a folder, not a file"}};
    const auto start = Clock::now();
    for (const auto& c : cases) {
        SCOPED_TRACE(c.path);
        auto mask = readMaskPng(c.path);
        ASSERT_FALSE(mask.isOk());
        EXPECT_EQ(mask.error(), c.path + ": " + c.says);
        auto rgb = readRgbPng(c.path);
        ASSERT_FALSE(rgb.isOk());
        EXPECT_TRUE(contains(rgb.error(), c.says)) << rgb.error();
        auto project = loadProject(c.path);
        ASSERT_FALSE(project.isOk());
        EXPECT_TRUE(contains(project.error(), c.says)) << project.error();
        auto text = readPngText(c.path);
        ASSERT_FALSE(text.isOk());
        EXPECT_TRUE(contains(text.error(), c.says)) << text.error();
        if (c.path != dir.dir()) { // a folder is a model folder
            auto model = describeModel(c.path);
            ASSERT_FALSE(model.isOk());
            EXPECT_TRUE(contains(model.error(), c.says)) << model.error();
            auto sha = modelFileSha256(c.path);
            ASSERT_FALSE(sha.isOk());
            EXPECT_TRUE(contains(sha.error(), c.says)) << sha.error();
        }
    }
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

// A FIFO or a character device as the target: refused, left as it was, no temporary left.
TEST(FileSafety, AtomicWriteRefusesTargetsThatAreNotRegularFiles)
{
    test::ScratchDir dir;
    const std::string fifo = makeFifo(dir, "out.png");
    fs::create_symlink(fifo, dir.path("link.png"));
    std::vector<std::string> targets{fifo, dir.path("link.png"), makeSocket(dir, "s.png")};
    if (::geteuid() == 0) {
        // As root, a device node can be made: a copy of /dev/null inside the scratch folder.
        const std::string null = dir.path("null.png");
        ASSERT_EQ(::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
        targets.push_back(null);
    }
    for (const auto& target : targets) {
        SCOPED_TRACE(target);
        const PathKind before = pathKind(target);
        const Status s = writeFileAtomic(target, bytesOf("new contents"));
        ASSERT_FALSE(s.isOk());
        EXPECT_TRUE(contains(s.message(), ", not a regular file; it was not replaced"))
            << s.message();
        EXPECT_EQ(pathKind(target), before);
    }
    EXPECT_TRUE(fs::is_symlink(dir.path("link.png")));
    const Status folder = writeFileAtomic(dir.dir(), bytesOf("x"));
    EXPECT_EQ(folder.message(), dir.dir() + ": is a folder; give a file name");
    for (const auto& e : fs::directory_iterator(dir.dir()))
        EXPECT_FALSE(contains(e.path().filename().string(), ".tmp-")) << e.path();
    // A link to a regular file is still written through the usual rename.
    test::writeAll(dir.path("real.png"), bytesOf("old"));
    fs::create_symlink(dir.path("real.png"), dir.path("to-real.png"));
    EXPECT_TRUE(writeFileAtomic(dir.path("to-real.png"), bytesOf("new")).isOk());
}

void setAge(const std::string& path, int seconds)
{
    const std::time_t t = std::time(nullptr) - seconds;
    const utimbuf times{t, t};
    ASSERT_EQ(::utime(path.c_str(), &times), 0);
}

// Temporaries a killed save left: removed by the next save of the same target when their
// writer is gone (and a minute has passed) or an hour has passed; others are kept.
TEST(FileSafety, TheNextSaveRemovesStaleTemporaries)
{
    test::ScratchDir dir;
    const std::string target = dir.path("p.mdsp");
    // A writer that is gone: a child that has exited and been reaped.
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ::waitpid(child, nullptr, 0);
    const std::string dead = dir.path(".p.mdsp.tmp-" + std::to_string(child) + "-0123456789ab");
    const std::string deadRecent = dir.path(".p.mdsp.tmp-" + std::to_string(child) + "-fff");
    const std::string alive = dir.path(".p.mdsp.tmp-" + std::to_string(::getppid()) + "-aaa");
    const std::string oldStyle = dir.path(".p.mdsp.tmp-0123456789ab");
    const std::string ancient = dir.path(".p.mdsp.tmp-" + std::to_string(::getppid()) + "-bbb");
    const std::string other = dir.path(".q.mdsp.tmp-" + std::to_string(child) + "-ccc");
    for (const auto& p : {dead, deadRecent, alive, oldStyle, ancient, other})
        test::writeAll(p, bytesOf("partial"));
    setAge(dead, 120);
    setAge(alive, 120);
    setAge(oldStyle, 120);
    setAge(ancient, 7200);
    setAge(other, 7200);
    ASSERT_TRUE(writeFileAtomic(target, bytesOf("saved")).isOk());
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_FALSE(fs::exists(ancient));
    EXPECT_TRUE(fs::exists(deadRecent)); // a minute has not passed
    EXPECT_TRUE(fs::exists(alive));      // its writer still runs
    EXPECT_TRUE(fs::exists(oldStyle));   // no pid: only an hour makes it stale
    EXPECT_TRUE(fs::exists(other));      // another target's
    EXPECT_EQ(test::readAll(target), bytesOf("saved"));
}

// Runs `write` in a child process and returns its message ("ok" on success).
template <typename Setup>
std::string inChild(const Setup& setup, const std::string& target, std::size_t size)
{
    int pipeFds[2];
    if (::pipe(pipeFds) != 0)
        return "pipe failed";
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(pipeFds[0]);
        setup();
        const Status s = writeFileAtomic(target, std::vector<std::uint8_t>(size, 7));
        const std::string message = s.isOk() ? "ok" : s.message();
        if (::write(pipeFds[1], message.data(), message.size()) < 0)
            ::_exit(2);
        ::_exit(0);
    }
    ::close(pipeFds[1]);
    std::string message;
    char buf[512];
    ssize_t n;
    while ((n = ::read(pipeFds[0], buf, sizeof buf)) > 0)
        message.append(buf, std::size_t(n));
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status))
        return "the child died of signal " + std::to_string(WTERMSIG(status));
    return message;
}

// A folder this process may not write to: the reason, the previous file whole. As root (who
// writes anywhere) the child drops to user 65534 first.
TEST(FileSafety, AReadOnlyFolderLeavesThePreviousFileWhole)
{
    test::ScratchDir dir;
    const std::string target = dir.path("p.mdsp");
    const auto before = bytesOf("the previous project");
    test::writeAll(target, before);
    fs::permissions(dir.dir(), fs::perms(0555));
    const std::string message = inChild(
        [] {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
                ::_exit(3);
        },
        target, 100);
    fs::permissions(dir.dir(), fs::perms(0755));
    EXPECT_EQ(message.rfind(target + ": cannot create a temporary file next to it (", 0), 0u)
        << message;
    EXPECT_TRUE(contains(message, "): Permission denied; the previous file is unchanged"))
        << message;
    EXPECT_EQ(test::readAll(target), before);
}

// A real full disk, portably: the file size limit (RLIMIT_FSIZE) in a child process, with
// SIGXFSZ ignored so that write() fails with EFBIG.
TEST(FileSafety, AFullDiskLeavesThePreviousFileWhole)
{
    test::ScratchDir dir;
    const std::string target = dir.path("p.mdsp");
    const auto before = bytesOf("the previous project");
    test::writeAll(target, before);
    const std::string message = inChild(
        [] {
            ignoreFileSizeSignal();
            const rlimit limit{64 << 10, 64 << 10};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        },
        target, 1 << 20);
    EXPECT_EQ(message, target + ": write failed: File too large; the previous file is unchanged");
    EXPECT_EQ(test::readAll(target), before);
    for (const auto& e : fs::directory_iterator(dir.dir()))
        EXPECT_FALSE(contains(e.path().filename().string(), ".tmp-")) << e.path();
}

// The project's arrays are bounded while the JSON streams past, before any tree is built.
TEST(FileSafety, ProjectJsonBoundsNameTheLimit)
{
    std::string many = R"({"format":"mdstudio-project","version":2,"regions":[)";
    for (int i = 0; i < 100000; ++i)
        many += std::string(i ? "," : "") + R"({"id":1,"kind":"box"})";
    many += "]}";
    const Status s = checkProjectJsonBounds(many, "big.mdsp");
    EXPECT_EQ(s.message(), "big.mdsp: regions: the project has more than 64 regions; the limit "
                           "is 64");
    auto p = projectFromJson(many, {}, "big.mdsp");
    ASSERT_FALSE(p.isOk());
    EXPECT_EQ(p.error(), s.message());

    const std::string layout =
        R"({"results":[{},{"layout":[)" + std::string(65 * 3 - 1, ' ') + "]}]}";
    std::string layoutMany = R"({"results":[{},{"layout":[)";
    for (int i = 0; i < 65; ++i)
        layoutMany += std::string(i ? "," : "") + "{}";
    layoutMany += "]}]}";
    EXPECT_EQ(checkProjectJsonBounds(layoutMany, "x").message(),
              "x: results[1].layout: more than 64 regions; the limit is 64");

    EXPECT_EQ(checkProjectJsonBounds(std::string(40, '[') + std::string(40, ']'), "x").message(),
              "x: [0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
              "[0][0][0][0][0]: nested more than 32 levels deep; the limit is 32");
    ProjectJsonBounds small;
    small.maxValues = 10;
    EXPECT_EQ(checkProjectJsonBounds("[1,2,3,4,5,6,7,8,9,10,11]", "x", small).message(),
              "x: more than 10 values in all; the limit is 10");
    // A project that is an array at the top level (found by the project_json fuzz target:
    // the bounds check read the parent of the outermost array) is refused, not UB.
    EXPECT_TRUE(checkProjectJsonBounds(R"([{"format":"mdstudio-project"}, [1]])", "x").isOk());
    EXPECT_FALSE(projectFromJson(R"([{"format":"mdstudio-project"}, [1]])", {}, "x").isOk());
    // Malformed JSON is the parser's to report, with its position.
    EXPECT_TRUE(checkProjectJsonBounds("{\"a\": [1, 2", "x").isOk());
    EXPECT_TRUE(checkProjectJsonBounds(layout, "x").isOk());
}

} // namespace
} // namespace md

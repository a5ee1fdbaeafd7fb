// Issue 17: a FIFO, /dev/zero or /dev/urandom given as the model said "no such file or
// folder", and opening a FIFO could block for ever. Model paths that are neither a regular
// file nor a folder are refused by kind before anything opens them.

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/PathKind.h"
#include "engine/io/SafetensorsFile.h"

#include <chrono>
#include <filesystem>
#include <future>
#include <gtest/gtest.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace md {
namespace {

namespace fs = std::filesystem;

std::string fifo(const std::string& name)
{
    const std::string path = test::tempPath(name);
    fs::remove(path);
    EXPECT_EQ(mkfifo(path.c_str(), 0600), 0);
    return path;
}

// Runs `fn` on another thread and fails (instead of hanging the suite) past 10 s.
template <typename Fn> auto withinSeconds(Fn fn)
{
    auto future = std::async(std::launch::async, fn);
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        ADD_FAILURE() << "blocked for 10 s";
        std::abort(); // the blocked thread cannot be joined
    }
    return future.get();
}

TEST(ModelPathKind, KindsAreTold)
{
    EXPECT_EQ(pathKind(test::tempPath("no-such-model")), PathKind::Missing);
    EXPECT_EQ(pathKind("/dev/zero"), PathKind::CharDevice);
    EXPECT_EQ(pathKind(fifo("kind.fifo")), PathKind::Fifo);
    EXPECT_EQ(pathKind(test::fixturePath("tiny-sd15")), PathKind::Directory);
    EXPECT_EQ(pathKind(test::fixturePath("tiny-sd15.safetensors")), PathKind::Regular);
    EXPECT_TRUE(requireFileOrFolder(test::fixturePath("tiny-sd15")));
}

TEST(ModelPathKind, FifoAndDevicesAreRefusedWithoutOpening)
{
    const std::string pipe = fifo("model.fifo");
    for (const std::string& path :
         {pipe, std::string("/dev/zero"), std::string("/dev/urandom"), std::string("/dev/null")}) {
        auto ckpt = withinSeconds([&] { return loadCheckpoint(path); });
        ASSERT_FALSE(ckpt) << path;
        EXPECT_NE(ckpt.error().find(path + " is not a regular file or folder"), std::string::npos)
            << ckpt.error();
    }
    auto ckpt = loadCheckpoint(pipe);
    EXPECT_NE(ckpt.error().find("FIFO"), std::string::npos) << ckpt.error();
    EXPECT_NE(loadCheckpoint("/dev/zero").error().find("character device"), std::string::npos);
    // A .safetensors name does not make it a file.
    const std::string named = fifo("named.safetensors");
    auto file = withinSeconds([&] { return SafetensorsFile::open(named); });
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().find("is not a regular file"), std::string::npos) << file.error();
}

TEST(ModelPathKind, SocketIsRefused)
{
    const std::string path = test::tempPath("model.sock");
    fs::remove(path);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path)) {
        ::close(fd);
        GTEST_SKIP() << "temp path too long for a socket";
    }
    path.copy(addr.sun_path, path.size());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    auto ckpt = loadCheckpoint(path);
    ::close(fd);
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("is not a regular file or folder (it is a socket)"),
              std::string::npos)
        << ckpt.error();
}

TEST(ModelPathKind, MissingPathStillSaysSo)
{
    auto ckpt = loadCheckpoint(test::tempPath("no-such-model.safetensors"));
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("no such file or folder"), std::string::npos) << ckpt.error();
}

} // namespace
} // namespace md

// mdstudio-cli against hostile inputs and faults, run as a process: FIFOs and devices as
// inputs and outputs, requests the project cannot hold, unusable preview folders, seeds past
// 2^64 - 1, a second batch on one folder, a full disk and a read-only folder. Each is refused
// before any rendering (or, for the faults, with the reason) and nothing is lost.

#include "CliRun.h"
#include "TestConfig.h"
#include "document/BatchManifest.h"
#include "document/FileType.h"
#include "document/ProjectFile.h"

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace md {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::CliRun;
using test::modelDir;
using test::runCli;

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::vector<std::uint8_t> readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class HardeningCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!fs::exists(modelDir()))
            GTEST_SKIP() << "fixture model missing: " << modelDir();
        // Under /tmp (world-traversable), so that the tests that drop to user 65534 can reach
        // their files.
        char tmpl[] = "/tmp/mdstudio-hardening-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
        fs::permissions(m_dir, fs::perms(0755));
    }
    void TearDown() override
    {
        if (!m_dir.empty()) {
            std::error_code ec;
            fs::remove_all(m_dir, ec);
        }
    }

    std::string path(const std::string& name) const { return m_dir + "/" + name; }

    std::string fifo(const std::string& name) const
    {
        const std::string p = path(name);
        EXPECT_EQ(::mkfifo(p.c_str(), 0644), 0);
        return p;
    }

    // `generate` on the fixture model: 64x64, 2 Euler steps, quiet, then `extra`.
    CliRun generate(const std::vector<std::string>& extra, const std::string& prefix = {}) const
    {
        std::vector<std::string> args{"generate", "--model",   modelDir(), "--width",
                                      "64",       "--height",  "64",       "--steps",
                                      "2",        "--sampler", "euler",    "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        return runCli(args, prefix);
    }

    // A 64x64 project with one box region and the given seed, for batch runs.
    std::string writeProject(std::uint64_t seed, const std::string& name = "harbour.mdsp") const
    {
        Project p;
        p.width = 64;
        p.height = 64;
        p.model.path = modelDir();
        p.prompt = "a harbour at dawn";
        p.settings.sampler = SamplerKind::Euler;
        p.settings.steps = 2;
        p.settings.seed = seed;
        p.settings.seedMode = SeedMode::Fixed;
        ProjectRegion boat;
        boat.id = 1;
        boat.kind = RegionKind::Box;
        boat.prompt = "a red boat";
        boat.box = {16, 16, 32, 32};
        p.regions.push_back(boat);
        EXPECT_TRUE(saveProject(p, path(name)).isOk());
        return path(name);
    }

    bool nothingWritten() const
    {
        for (const auto& e : fs::directory_iterator(m_dir)) {
            const std::string name = e.path().filename().string();
            if (fs::path(name).extension() == ".png" && fs::is_regular_file(e.path()))
                return false;
            if (contains(name, ".tmp-"))
                return false;
        }
        return true;
    }

    std::string m_dir;
};

// A FIFO as a region mask or as the project: refused at once (it used to block forever).
TEST_F(HardeningCli, AFifoAsAnInputIsRefusedWithoutBlocking)
{
    const std::string mask = fifo("mask.png");
    const auto start = Clock::now();
    CliRun r = generate({"--region", mask + "=a cat", "--out", path("out.png")});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_EQ(r.output, "mdstudio-cli generate: --region " + mask + ": " + mask +
                            ": is a FIFO (named pipe), not a regular file\n");
    const std::string project = fifo("p.mdsp");
    CliRun batch = runCli({"batch", project, "--out", path("out")});
    EXPECT_EQ(batch.code, 1) << batch.output;
    EXPECT_TRUE(contains(batch.output, project + ": is a FIFO (named pipe), not a regular file"))
        << batch.output;
    CliRun zero = runCli({"batch", "/dev/zero", "--out", path("out")});
    EXPECT_TRUE(contains(zero.output, "/dev/zero: is a character device, not a regular file"))
        << zero.output;
    EXPECT_LT(secondsSince(start), 30.0);
    EXPECT_TRUE(nothingWritten());
}

// --out naming a FIFO or a device: refused before rendering, the node left as it was.
TEST_F(HardeningCli, OutputsThatAreNotRegularFilesAreNotReplaced)
{
    std::vector<std::string> targets{fifo("out.png")};
    if (::geteuid() == 0) {
        const std::string null = path("null.png"); // a /dev/null of our own
        ASSERT_EQ(::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
        targets.push_back(null);
    }
    for (const auto& target : targets) {
        const PathKind before = pathKind(target);
        CliRun r = generate({"--prompt", "a cat", "--out", target});
        EXPECT_EQ(r.code, 1) << r.output;
        EXPECT_TRUE(contains(r.output, target + ": is " + pathKindName(before) +
                                           ", not a regular file; it was not replaced"))
            << r.output;
        EXPECT_EQ(pathKind(target), before);
    }
    EXPECT_TRUE(nothingWritten());
}

// What --save-project could not save is refused before rendering, with the project's message.
TEST_F(HardeningCli, AnInvalidProjectIsRefusedBeforeRendering)
{
    const struct
    {
        std::vector<std::string> args;
        std::string says;
        bool projectMessage; // false: the engine's own request check refuses it first
    } cases[] = {
        {{"--prompt", "x", "--box", "32,32,64,16=a boat"},
         "reaches outside the 64x64 canvas",
         true},
        {{"--prompt", "x", "--box", "-8,0,16,16=a boat"}, "reaches outside the 64x64 canvas", true},
        {{"--prompt", std::string(70000, 'a')},
         "the prompt is 70000 bytes long; at most 65536 bytes are allowed",
         false},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--out", path("out.png"), "--save-project", path("p.mdsp")});
        const auto start = Clock::now();
        CliRun r = generate(args);
        const double seconds = secondsSince(start);
        EXPECT_EQ(r.code, 2) << r.output;
        if (c.projectMessage) {
            EXPECT_TRUE(
                r.output.rfind("mdstudio-cli generate: cannot save an invalid project: ", 0) == 0)
                << r.output;
        }
        EXPECT_TRUE(contains(r.output, c.says)) << r.output;
        EXPECT_LT(seconds, 20.0) << r.output;
        EXPECT_FALSE(fs::exists(path("out.png")));
        EXPECT_FALSE(fs::exists(path("p.mdsp")));
    }
    // A canvas side the engine takes but a project cannot hold (8 px): the message is the
    // project validation's own.
    Project narrow;
    narrow.width = 8;
    narrow.height = 64;
    const std::string expected = validate(narrow).message();
    ASSERT_FALSE(expected.empty());
    CliRun r =
        runCli({"generate", "--quiet", "--model", modelDir(), "--width", "8", "--height", "64",
                "--prompt", "x", "--out", path("out.png"), "--save-project", path("p.mdsp")});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_EQ(r.output,
              "mdstudio-cli generate: cannot save an invalid project: " + expected + "\n");
    EXPECT_FALSE(fs::exists(path("out.png")));
}

// An unusable --preview-dir is an error before rendering (it used to be ignored, exit 0).
TEST_F(HardeningCli, AnUnusablePreviewFolderIsAnError)
{
    std::ofstream(path("file")) << "x";
    CliRun r = generate({"--prompt", "x", "--out", path("out.png"), "--preview-dir", path("file")});
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_EQ(r.output, "mdstudio-cli generate: --preview-dir: " + path("file") +
                            ": is a regular file, not a folder\n");
    EXPECT_FALSE(fs::exists(path("out.png")));
    if (::geteuid() != 0 || std::system("command -v setpriv >/dev/null") != 0)
        return;
    // As an unprivileged user, a folder owned by root (root writes anywhere).
    fs::create_directory(path("previews"));
    fs::permissions(path("previews"), fs::perms(0755));
    fs::permissions(m_dir, fs::perms(01777));
    CliRun denied =
        generate({"--prompt", "x", "--out", path("out.png"), "--preview-dir", path("previews")},
                 "setpriv --reuid=65534 --regid=65534 --clear-groups");
    EXPECT_EQ(denied.code, 1) << denied.output;
    EXPECT_EQ(denied.output, "mdstudio-cli generate: --preview-dir: " + path("previews") +
                                 ": cannot write there: Permission denied\n");
    EXPECT_FALSE(fs::exists(path("out.png")));
}

// --count from a seed near 2^64 - 1 is refused instead of wrapping to seed 0.
TEST_F(HardeningCli, BatchCountPastTheLargestSeedIsRefused)
{
    const std::string project = writeProject(18446744073709551615ull);
    CliRun r = runCli({"batch", project, "--count", "2", "--out", path("out")});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "--count 2 from the project's seed 18446744073709551615 would "
                                   "pass 18446744073709551615, the largest seed"))
        << r.output;
    EXPECT_FALSE(fs::exists(path("out")));
}

// Two batches on one output folder: the second is told, and renders nothing.
TEST_F(HardeningCli, ASecondBatchOnTheSameFolderIsRefused)
{
    const std::string project = writeProject(7);
    fs::create_directory(path("out"));
    const std::string lockPath = path("out/.mdstudio-batch.lock");
    const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    ASSERT_EQ(::write(fd, "4242\n", 5), 5);
    CliRun r = runCli({"batch", project, "--resume", "--out", path("out")});
    ::close(fd); // the lock goes with the descriptor, as it does when a process dies
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_EQ(r.output, "mdstudio-cli batch: " + path("out") +
                            " is in use by another batch (process 4242 holds " + lockPath +
                            "); wait for it to finish or choose another output folder\n");
    EXPECT_FALSE(fs::exists(path("out/manifest.json")));
    CliRun after = runCli({"batch", project, "--resume", "--quiet", "--out", path("out")});
    EXPECT_EQ(after.code, 0) << after.output;
    EXPECT_TRUE(fs::exists(path("out/harbour-7.png")));
}

// A full disk (the file size limit, 4 KiB) during a batch: the reason is given, the image and
// the manifest of the run before are whole.
TEST_F(HardeningCli, AFullDiskDuringABatchKeepsThePreviousFiles)
{
    const std::string project = writeProject(3);
    CliRun first = runCli({"batch", project, "--quiet", "--out", path("out")});
    ASSERT_EQ(first.code, 0) << first.output;
    const auto png = readBytes(path("out/harbour-3.png"));
    const auto manifest = readBytes(path("out/manifest.json"));
    ASSERT_GT(png.size(), 4096u);
    CliRun full = runCli({"batch", project, "--quiet", "--out", path("out")}, "ulimit -f 4;");
    EXPECT_EQ(full.code, 1) << full.output;
    EXPECT_EQ(full.output, "mdstudio-cli batch: " + path("out/harbour-3.png") +
                               ": write failed: File too large; the previous file is unchanged\n");
    EXPECT_EQ(readBytes(path("out/harbour-3.png")), png);
    EXPECT_EQ(readBytes(path("out/manifest.json")), manifest);
    for (const auto& e : fs::directory_iterator(path("out")))
        EXPECT_FALSE(contains(e.path().filename().string(), ".tmp-")) << e.path();
}

// A read-only output folder (as an unprivileged user; root writes anywhere): refused before
// rendering.
TEST_F(HardeningCli, AReadOnlyFolderIsRefusedBeforeRendering)
{
    if (::geteuid() != 0 || std::system("command -v setpriv >/dev/null") != 0)
        GTEST_SKIP() << "needs root and setpriv to run as an unprivileged user";
    fs::create_directory(path("ro"));
    fs::permissions(path("ro"), fs::perms(0755));
    std::ofstream(path("ro/out.png")) << "the previous image";
    CliRun r = generate({"--prompt", "x", "--out", path("ro/out.png")},
                        "setpriv --reuid=65534 --regid=65534 --clear-groups");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_EQ(r.output, "mdstudio-cli generate: cannot write " + path("ro/out.png") + ": " +
                            path("ro") + ": cannot write there: Permission denied\n");
    EXPECT_EQ(readBytes(path("ro/out.png")),
              std::vector<std::uint8_t>({'t', 'h', 'e', ' ', 'p', 'r', 'e', 'v', 'i', 'o', 'u', 's',
                                         ' ', 'i', 'm', 'a', 'g', 'e'}));
}

} // namespace
} // namespace md

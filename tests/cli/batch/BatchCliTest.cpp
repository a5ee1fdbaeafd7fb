// mdstudio-cli batch and generate --save-project, run as a user would, on the tiny fixture
// model: outputs, metadata, bit-identical reruns, --resume, Ctrl+C, exported PNGs as input.

#include "CliRun.h"
#include "TestConfig.h"
#include "document/A1111Parameters.h"
#include "document/BatchManifest.h"
#include "document/ProjectFile.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace md {
namespace {

namespace fs = std::filesystem;

using test::cliPath;
using test::CliRun;
using test::fixturesDir;
using test::modelDir;
using test::runCli;

std::vector<std::uint8_t> bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// `generate` on the fixture model: 64x64, 2 Euler steps, quiet, then `extra`.
CliRun generateTiny(const std::vector<std::string>& extra)
{
    std::vector<std::string> args{"generate", "--model",   modelDir(), "--width",
                                  "64",       "--height",  "64",       "--steps",
                                  "2",        "--sampler", "euler",    "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args);
}

class BatchCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!fs::exists(modelDir()))
            GTEST_SKIP() << "fixture model missing: " << modelDir();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::string(MD_BINARY_DIR) + "/test-tmp/cli-batch/" + info->name();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }

    std::string path(const std::string& name) const { return m_dir + "/" + name; }

    // 64x64, a soft mask region on the left, a box region on the right, Euler a (stochastic).
    std::string writeProject(const std::string& name = "harbour.mdsp")
    {
        Project p;
        p.width = 64;
        p.height = 64;
        p.model.path = modelDir();
        p.model.displayName = "tiny-sd15";
        p.prompt = "a harbour at dawn";
        p.negative = "blurry";
        p.settings.sampler = SamplerKind::EulerAncestral;
        p.settings.steps = 3;
        p.settings.cfg = 5.f;
        p.settings.seed = 10;
        p.settings.seedMode = SeedMode::Fixed;
        ProjectRegion sky;
        sky.id = 1;
        sky.name = "sky";
        sky.prompt = "pink clouds, soft";
        sky.mask = blankMask(64, 64);
        for (int y = 0; y < 64; ++y) {
            for (int x = 0; x < 32; ++x)
                sky.mask.values[std::size_t(y) * 64 + x] = x < 24 ? 1.f : 0.5f;
        }
        p.regions.push_back(sky);
        ProjectRegion boat;
        boat.id = 2;
        boat.name = "boat";
        boat.kind = RegionKind::Box;
        boat.prompt = "a red boat";
        boat.box = {32, 16, 32, 32};
        p.regions.push_back(boat);
        const Status s = saveProject(p, path(name));
        EXPECT_TRUE(s.isOk()) << s.message();
        m_project = p;
        return path(name);
    }

    std::string m_dir;
    Project m_project;
};

TEST_F(BatchCli, ThreeSeedsWithMetadataAndABitIdenticalRerun)
{
    const std::string project = writeProject();
    CliRun first = runCli({"batch", project, "--seeds", "1-3", "--out", path("a")});
    ASSERT_EQ(first.code, 0) << first.output;
    for (std::uint64_t seed : {1, 2, 3}) {
        const std::string png = path("a/harbour-" + std::to_string(seed) + ".png");
        ASSERT_TRUE(fs::exists(png)) << png << "\n" << first.output;
        auto chunks = readPngText(png);
        ASSERT_TRUE(chunks.isOk()) << chunks.error();
        const PngTextChunk* params = findPngText(*chunks, "parameters");
        ASSERT_NE(params, nullptr);
        const A1111Info info = parseA1111Parameters(params->text);
        EXPECT_EQ(info.prompt, "a harbour at dawn");
        EXPECT_EQ(info.negative, "blurry");
        ASSERT_NE(info.field("Seed"), nullptr) << params->text;
        EXPECT_EQ(*info.field("Seed"), std::to_string(seed));
        EXPECT_EQ(*info.field("Steps"), "3");
        EXPECT_EQ(*info.field("Sampler"), "Euler a");
        EXPECT_EQ(*info.field("CFG scale"), "5");
        EXPECT_EQ(*info.field("Size"), "64x64");
        ASSERT_NE(info.field("MultiDiffusion regions"), nullptr);
        EXPECT_NE(info.field("MultiDiffusion regions")->find("pink clouds, soft"),
                  std::string::npos);

        auto back = loadProject(png);
        ASSERT_TRUE(back.isOk()) << back.error();
        EXPECT_EQ(back->settings.steps, 3);
        EXPECT_EQ(back->settings.seed, seed);
        EXPECT_EQ(back->settings.sampler, SamplerKind::EulerAncestral);
        EXPECT_EQ(back->settings.cfg, 5.f);
        ASSERT_EQ(back->regions.size(), 2u);
        EXPECT_EQ(back->regions[1].box.x, 32);
        EXPECT_NEAR(back->regions[0].mask.values[30], 0.5f, 1.f / 255.f);
        ASSERT_EQ(back->results.size(), 1u);
        EXPECT_EQ(back->results[0].timestamp, 1700000000);
    }
    // Different seeds, different images.
    EXPECT_NE(readRgbPng(path("a/harbour-1.png"))->pixels,
              readRgbPng(path("a/harbour-2.png"))->pixels);

    auto manifest = readBatchManifest(path("a/manifest.json"));
    ASSERT_TRUE(manifest.isOk()) << manifest.error();
    EXPECT_EQ(manifest->images.size(), 3u);
    EXPECT_EQ(manifest->projectName, "harbour");
    EXPECT_EQ(manifest->settings.steps, 3);

    CliRun second = runCli({"batch", project, "--seeds", "1-3", "--out", path("b"), "--quiet"});
    ASSERT_EQ(second.code, 0) << second.output;
    EXPECT_TRUE(second.output.empty()) << second.output;
    for (int seed : {1, 2, 3}) {
        const std::string name = "/harbour-" + std::to_string(seed) + ".png";
        EXPECT_EQ(bytes(path("a") + name), bytes(path("b") + name)) << name;
    }
}

TEST_F(BatchCli, ResumeSkipsFinishedWorkAndRedoesDamagedFiles)
{
    const std::string project = writeProject();
    ASSERT_EQ(runCli({"batch", project, "--seeds", "3,7", "--out", path("o")}).code, 0);
    const auto seven = bytes(path("o/harbour-7.png"));
    const auto time3 = fs::last_write_time(path("o/harbour-3.png"));
    // Damage seed 7's file: --resume must render it again.
    {
        std::ofstream damage(path("o/harbour-7.png"), std::ios::binary | std::ios::trunc);
        damage << "not a png";
    }
    CliRun r = runCli({"batch", project, "--seeds", "3,7,9", "--out", path("o"), "--resume"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("1 of 3 images already finished"), std::string::npos) << r.output;
    EXPECT_EQ(fs::last_write_time(path("o/harbour-3.png")), time3);
    EXPECT_EQ(bytes(path("o/harbour-7.png")), seven);
    EXPECT_TRUE(fs::exists(path("o/harbour-9.png")));
    EXPECT_EQ(readBatchManifest(path("o/manifest.json"))->images.size(), 3u);

    CliRun again = runCli({"batch", project, "--seeds", "3,7,9", "--out", path("o"), "--resume"});
    ASSERT_EQ(again.code, 0) << again.output;
    EXPECT_NE(again.output.find("nothing to do"), std::string::npos) << again.output;

    // Changed settings: --resume must not reuse images made with other steps.
    CliRun steps =
        runCli({"batch", project, "--seeds", "3", "--out", path("o"), "--resume", "--steps", "2"});
    ASSERT_EQ(steps.code, 0) << steps.output;
    EXPECT_NE(steps.output.find("other settings"), std::string::npos) << steps.output;
    EXPECT_EQ(*parseA1111Parameters(
                   findPngText(*readPngText(path("o/harbour-3.png")), "parameters")->text)
                   .field("Steps"),
              "2");
}

TEST_F(BatchCli, AcceptsAnExportedPngAndOverrides)
{
    const std::string project = writeProject();
    ASSERT_EQ(runCli({"batch", project, "--count", "2", "--out", path("a")}).code, 0);
    ASSERT_TRUE(fs::exists(path("a/harbour-10.png"))); // --count starts at the project's seed
    ASSERT_TRUE(fs::exists(path("a/harbour-11.png")));
    CliRun r = runCli({"batch", path("a/harbour-11.png"), "--out", path("b")});
    ASSERT_EQ(r.code, 0) << r.output;
    // The PNG's own seed by default, and the same pixels as the run that made it.
    EXPECT_EQ(readRgbPng(path("b/harbour-11-11.png"))->pixels,
              readRgbPng(path("a/harbour-11.png"))->pixels);

    CliRun o = runCli({"batch", project, "--seeds", "5", "--out", path("c"), "--sampler", "ddim",
                       "--cfg", "3.5", "--steps", "2"});
    ASSERT_EQ(o.code, 0) << o.output;
    const auto info = parseA1111Parameters(
        findPngText(*readPngText(path("c/harbour-5.png")), "parameters")->text);
    EXPECT_EQ(*info.field("Sampler"), "DDIM");
    EXPECT_EQ(*info.field("CFG scale"), "3.5");
    EXPECT_EQ(*info.field("Steps"), "2");
}

TEST_F(BatchCli, CtrlCStopsAfterTheCurrentImage)
{
    const std::string project = writeProject();
    const std::string out = path("o");
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const std::string cli = cliPath();
        execl(cli.c_str(), cli.c_str(), "batch", project.c_str(), "--seeds", "1-40", "--out",
              out.c_str(), "--quiet", static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    while (!fs::exists(out + "/harbour-1.png") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    auto manifest = readBatchManifest(out + "/manifest.json");
    ASSERT_TRUE(manifest.isOk()) << manifest.error();
    const std::size_t done = manifest->images.size();
    EXPECT_GE(done, 1u);
    EXPECT_LE(done, 3u); // the image in flight finishes, no more
    for (const auto& image : manifest->images)
        EXPECT_TRUE(loadProject(out + "/" + image.file).isOk()) << image.file;
    EXPECT_FALSE(fs::exists(out + "/harbour-" + std::to_string(done + 1) + ".png"));
}

TEST_F(BatchCli, ErrorsAreOneClearLine)
{
    const std::string project = writeProject();
    auto expectFail = [](const CliRun& r, const std::string& fragment) {
        EXPECT_NE(r.code, 0) << r.output;
        EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    };
    expectFail(runCli({"batch", path("none.mdsp")}), "none.mdsp");
    expectFail(runCli({"batch", project, "--seeds", "5-2"}), "backwards");
    expectFail(runCli({"batch", project, "--seeds", "1", "--count", "2"}), "exclude");
    expectFail(runCli({"batch", project, "--sampler", "plms"}), "unknown sampler 'plms'");
    expectFail(runCli({"batch"}), "expected one project file");
    // A project whose model has gone.
    Project moved = m_project;
    moved.model.path = path("gone-model");
    ASSERT_TRUE(saveProject(moved, path("moved.mdsp")).isOk());
    expectFail(runCli({"batch", path("moved.mdsp")}), "--model PATH");
}

TEST_F(BatchCli, GenerateSavesTheProjectItDescribes)
{
    CliRun r = generateTiny({"--prompt", "a red cat", "--negative", "dogs", "--seed", "42", "--out",
                             path("cat.png"), "--save-project", path("cat.mdsp")});
    ASSERT_EQ(r.code, 0) << r.output;
    auto p = loadProject(path("cat.mdsp"));
    ASSERT_TRUE(p.isOk()) << p.error();
    EXPECT_EQ(p->prompt, "a red cat");
    EXPECT_EQ(p->negative, "dogs");
    EXPECT_EQ(p->width, 64);
    EXPECT_EQ(p->settings.steps, 2);
    EXPECT_EQ(p->settings.seed, 42u);
    EXPECT_EQ(p->settings.sampler, SamplerKind::Euler);
    EXPECT_EQ(p->settings.seedMode, SeedMode::Fixed);
    EXPECT_EQ(p->model.path, modelDir());
    EXPECT_FALSE(p->model.contentHash.empty());
    ASSERT_EQ(p->results.size(), 1u);
    EXPECT_EQ(p->results[0].image.pixels, readRgbPng(path("cat.png"))->pixels);
    // Re-rendering the saved project gives the same picture.
    CliRun b = runCli({"batch", path("cat.mdsp"), "--out", path("b"), "--quiet"});
    ASSERT_EQ(b.code, 0) << b.output;
    EXPECT_EQ(readRgbPng(path("b/cat-42.png"))->pixels, p->results[0].image.pixels);
}

// Every PNG the CLI writes carries the whole project: `batch` renders a PNG written by
// `generate` (no --save-project) and a PNG written by `batch` again, pixel for pixel.
TEST_F(BatchCli, EveryOutputReruns)
{
    CliRun g = generateTiny({"--prompt", "a harbour at dawn", "--box", "32,0,32,64=a red boat",
                             "--region-negative", "blue", "--seed", "7", "--out", path("gen.png")});
    ASSERT_EQ(g.code, 0) << g.output;
    auto project = loadProject(path("gen.png"));
    ASSERT_TRUE(project.isOk()) << project.error();
    EXPECT_EQ(project->prompt, "a harbour at dawn");
    ASSERT_EQ(project->regions.size(), 1u);
    EXPECT_EQ(project->regions[0].negative, "blue");
    EXPECT_EQ(project->settings.seed, 7u);
    ASSERT_NE(findPngText(*readPngText(path("gen.png")), "parameters"), nullptr);

    CliRun b = runCli({"batch", path("gen.png"), "--out", path("b"), "--quiet"});
    ASSERT_EQ(b.code, 0) << b.output;
    const auto generated = readRgbPng(path("gen.png"))->pixels;
    EXPECT_EQ(readRgbPng(path("b/gen-7.png"))->pixels, generated);

    CliRun c = runCli({"batch", path("b/gen-7.png"), "--out", path("c"), "--quiet"});
    ASSERT_EQ(c.code, 0) << c.output;
    EXPECT_EQ(readRgbPng(path("c/gen-7-7.png"))->pixels, generated);
}

} // namespace
} // namespace md

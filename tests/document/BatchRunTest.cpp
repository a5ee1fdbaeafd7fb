// BatchRun (document/BatchRun.h) with a stand-in renderer: planning, outputs, manifest,
// events, resume, the stop flag and the refusals, without a model.

#include "document/BatchRun.h"

#include "document/AtomicFile.h"
#include "document/BatchManifest.h"
#include "document/DocumentTestUtil.h"
#include "document/ProjectFile.h"

#include <atomic>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

namespace md {
namespace {

namespace fs = std::filesystem;

// Pixels that depend on the seed and the steps, so outputs differ where they should.
Result<RgbImage> fakeRender(const GenerateRequest& r, const GenerateCallbacks& callbacks)
{
    for (int step = 1; step <= r.steps; ++step) {
        if (callbacks.onProgress) {
            Progress p;
            p.step = step;
            p.totalSteps = r.steps;
            callbacks.onProgress(p);
        }
    }
    RgbImage image;
    image.width = r.width;
    image.height = r.height;
    image.pixels.assign(std::size_t(r.width) * r.height * 3, std::uint8_t(r.seed * 7 + r.steps));
    return image;
}

class BatchRunTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        test::writeAll(m_dir.path("model.safetensors"), {1, 2, 3, 4});
        Project p = test::sampleProject();
        p.model.path = m_dir.path("model.safetensors");
        ASSERT_TRUE(saveProject(p, m_dir.path("harbour.mdsp")).isOk());
    }

    Result<BatchRun> open(BatchEvents events = {})
    {
        return BatchRun::open(m_dir.path("harbour.mdsp"), std::move(events));
    }

    test::ScratchDir m_dir;
};

TEST_F(BatchRunTest, RendersEachSeedIntoAnExportAndTheManifest)
{
    std::vector<std::string> log;
    BatchEvents events;
    events.imageStarted = [&log](std::size_t i, std::uint64_t seed) {
        log.push_back("start " + std::to_string(i) + " " + std::to_string(seed));
    };
    int steps = 0;
    events.step = [&steps](const Progress&) { ++steps; };
    events.imageFinished = [&log](const BatchImage& image, const std::string& path) {
        log.push_back("done " + image.file + " " + fs::path(path).filename().string());
    };
    auto run = open(events);
    ASSERT_TRUE(run.isOk()) << run.error();
    EXPECT_TRUE(run->project().results.empty());
    BatchOverrides o;
    o.seeds = "5,3";
    o.steps = 2;
    ASSERT_TRUE(run->configure(o).isOk());
    const std::string out = m_dir.path("out");
    ASSERT_TRUE(run->plan(m_dir.path("model.safetensors"), out, false).isOk());
    EXPECT_EQ(run->todo(), (std::vector<std::uint64_t>{5, 3}));
    ASSERT_TRUE(run->run(fakeRender).isOk());
    EXPECT_EQ(run->rendered(), 2u);
    EXPECT_EQ(steps, 4);
    EXPECT_EQ(log, (std::vector<std::string>{"start 0 5", "done harbour-5.png harbour-5.png",
                                             "start 1 3", "done harbour-3.png harbour-3.png"}));

    auto back = loadProject(out + "/harbour-3.png");
    ASSERT_TRUE(back.isOk()) << back.error();
    EXPECT_EQ(back->settings.seed, 3u);
    EXPECT_EQ(back->settings.steps, 2);
    ASSERT_EQ(back->results.size(), 1u);
    EXPECT_EQ(back->results[0].image.pixels[0], std::uint8_t(3 * 7 + 2));
    auto manifest = readBatchManifest(run->manifestPath());
    ASSERT_TRUE(manifest.isOk()) << manifest.error();
    ASSERT_EQ(manifest->images.size(), 2u);
    EXPECT_EQ(manifest->projectName, "harbour");
    EXPECT_EQ(manifest->settings.steps, 2);
}

// Issue 12: a project that starts from its last result, with a region seed, re-renders from
// that image (kept from the history), and each output records its start image.
TEST_F(BatchRunTest, ReRunsProjectsThatStartFromTheirLastResult)
{
    Project p = test::sampleProject();
    p.model.path = m_dir.path("model.safetensors");
    p.settings.start = StartImage::LastResult;
    p.settings.strength = 0.3f;
    p.regions[2].seed = 99;
    ASSERT_TRUE(saveProject(p, m_dir.path("img2img.mdsp")).isOk());
    auto run = BatchRun::open(m_dir.path("img2img.mdsp"), {});
    ASSERT_TRUE(run.isOk()) << run.error();
    ASSERT_EQ(run->project().results.size(), 1u); // the start image, not the whole history
    BatchOverrides o;
    o.seeds = "4,5";
    ASSERT_TRUE(run->configure(o).isOk());
    ASSERT_TRUE(run->plan(m_dir.path("model.safetensors"), m_dir.path("out"), false).isOk());
    std::vector<GenerateRequest> seen;
    auto render = [&seen](const GenerateRequest& r, const GenerateCallbacks& c) {
        seen.push_back(r);
        return fakeRender(r, c);
    };
    ASSERT_TRUE(run->run(render).isOk());
    ASSERT_EQ(seen.size(), 2u);
    for (const GenerateRequest& r : seen) {
        EXPECT_TRUE(sameImage(r.initImage, p.results.back().image));
        EXPECT_EQ(r.strength, 0.3f);
        ASSERT_EQ(r.regions.size(), 2u);
        EXPECT_EQ(r.regions[1].seed, std::optional<std::uint64_t>(99));
    }
    auto back = loadProject(m_dir.path("out/img2img-5.png"));
    ASSERT_TRUE(back.isOk()) << back.error();
    ASSERT_EQ(back->results.size(), 1u);
    ASSERT_TRUE(back->results[0].startImage);
    EXPECT_TRUE(sameImage(*back->results[0].startImage, p.results.back().image));
    EXPECT_EQ(back->settings.start, StartImage::LastResult);

    // Another last result is another batch: the manifest's settings hash differs.
    Project other = p;
    other.results.back().image.pixels[0] ^= 1;
    EXPECT_NE(batchConfigHash(other), batchConfigHash(p));
}

TEST_F(BatchRunTest, ResumeSkipsFinishedImagesAndRedoesDamagedOnes)
{
    const std::string out = m_dir.path("out");
    const std::string model = m_dir.path("model.safetensors");
    {
        auto run = open();
        ASSERT_TRUE(run.isOk());
        BatchOverrides o;
        o.count = 3; // the project's seed and the next two
        ASSERT_TRUE(run->configure(o).isOk());
        ASSERT_TRUE(run->plan(model, out, false).isOk());
        ASSERT_TRUE(run->run(fakeRender).isOk());
    }
    BatchOverrides o;
    o.count = 3;
    {
        auto run = open();
        ASSERT_TRUE(run.isOk());
        ASSERT_TRUE(run->configure(o).isOk());
        const std::uint64_t first = run->seeds().front();
        test::writeAll(out + "/" + run->fileName(first + 1), {0});
        ASSERT_TRUE(run->plan(model, out, true).isOk());
        EXPECT_EQ(run->skipped(), 2u);
        EXPECT_EQ(run->todo(), (std::vector<std::uint64_t>{first + 1}));
    } // the folder's lock goes with the run

    // Other settings: nothing is reused, with a warning.
    std::vector<std::string> warnings;
    BatchEvents events;
    events.warning = [&warnings](const std::string& w) { warnings.push_back(w); };
    auto other = open(events);
    ASSERT_TRUE(other.isOk());
    o.steps = 3;
    ASSERT_TRUE(other->configure(o).isOk());
    ASSERT_TRUE(other->plan(model, out, true).isOk());
    EXPECT_EQ(other->todo().size(), 3u);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("other settings"), std::string::npos) << warnings[0];
}

TEST_F(BatchRunTest, AStopFlagEndsTheRunAfterTheImageInFlight)
{
    std::atomic<bool> stop{false};
    BatchEvents events;
    events.imageFinished = [&stop](const BatchImage&, const std::string&) { stop = true; };
    auto run = open(events);
    ASSERT_TRUE(run.isOk());
    BatchOverrides o;
    o.seeds = "1-5";
    ASSERT_TRUE(run->configure(o).isOk());
    ASSERT_TRUE(run->plan(m_dir.path("model.safetensors"), m_dir.path("out"), false).isOk());
    const Status s = run->run(fakeRender, &stop);
    EXPECT_TRUE(s.isCancelled());
    EXPECT_EQ(run->rendered(), 1u);
    EXPECT_EQ(readBatchManifest(run->manifestPath())->images.size(), 1u);
    EXPECT_FALSE(fs::exists(m_dir.path("out/harbour-2.png")));
}

TEST_F(BatchRunTest, RefusalsSayWhatToDo)
{
    EXPECT_FALSE(BatchRun::open(m_dir.path("none.mdsp")).isOk());
    auto run = open();
    ASSERT_TRUE(run.isOk());
    BatchOverrides both;
    both.seeds = "1";
    both.count = 2;
    EXPECT_NE(run->configure(both).message().find("exclude"), std::string::npos);
    BatchOverrides backwards;
    backwards.seeds = "5-2";
    EXPECT_FALSE(run->configure(backwards).isOk());

    auto projectModel = run->projectModelPath();
    ASSERT_TRUE(projectModel.isOk()) << projectModel.error();
    EXPECT_EQ(projectModel.value(), m_dir.path("model.safetensors"));
    fs::remove(m_dir.path("model.safetensors"));
    auto gone = run->projectModelPath();
    ASSERT_FALSE(gone.isOk());
    EXPECT_NE(gone.error().find("--model PATH"), std::string::npos) << gone.error();
}

// --count from a seed near 2^64 - 1 is refused instead of wrapping to seed 0.
TEST_F(BatchRunTest, CountingPastTheLargestSeedIsRefused)
{
    Project p = test::sampleProject();
    p.settings.seed = 18446744073709551614ull;
    ASSERT_TRUE(saveProject(p, m_dir.path("high.mdsp")).isOk());
    auto run = BatchRun::open(m_dir.path("high.mdsp"));
    ASSERT_TRUE(run.isOk()) << run.error();
    BatchOverrides o;
    o.count = 2; // ...614 and ...615: fine
    ASSERT_TRUE(run->configure(o).isOk());
    EXPECT_EQ(run->seeds(),
              (std::vector<std::uint64_t>{18446744073709551614ull, 18446744073709551615ull}));
    o.count = 3;
    EXPECT_EQ(run->configure(o).message(),
              "--count 3 from the project's seed 18446744073709551614 would pass "
              "18446744073709551615, the largest seed; use at most 2 or pick the seeds with "
              "--seeds");
}

// One batch per output folder at a time: the second is told who holds it.
TEST_F(BatchRunTest, ASecondBatchOnTheSameFolderIsRefused)
{
    const std::string model = m_dir.path("model.safetensors");
    const std::string out = m_dir.path("out");
    auto first = open();
    ASSERT_TRUE(first.isOk());
    ASSERT_TRUE(first->configure({}).isOk());
    ASSERT_TRUE(first->plan(model, out, true).isOk());
    auto second = open();
    ASSERT_TRUE(second.isOk());
    ASSERT_TRUE(second->configure({}).isOk());
    const Status s = second->plan(model, out, true);
    EXPECT_EQ(s.message(), out + " is in use by another batch (process " +
                               std::to_string(::getpid()) + " holds " + out +
                               "/.mdstudio-batch.lock); wait for it to finish or choose another "
                               "output folder");
    // Another folder is fine; once the first run is gone, so is its lock.
    EXPECT_TRUE(second->plan(model, m_dir.path("other"), true).isOk());
    {
        auto gone = std::move(first.value());
    }
    auto third = open();
    ASSERT_TRUE(third.isOk());
    ASSERT_TRUE(third->configure({}).isOk());
    EXPECT_TRUE(third->plan(model, out, true).isOk());
}

// A write that fails (a full disk) stops the batch with the reason; the earlier image and the
// manifest that lists it are whole.
TEST_F(BatchRunTest, AFailedWriteStopsTheBatchAndKeepsWhatWasMade)
{
    auto run = open();
    ASSERT_TRUE(run.isOk());
    BatchOverrides o;
    o.seeds = "1-3";
    ASSERT_TRUE(run->configure(o).isOk());
    ASSERT_TRUE(run->plan(m_dir.path("model.safetensors"), m_dir.path("out"), false).isOk());
    int writes = 0;
    setAtomicWriteFaultHook([&writes](AtomicWriteStage stage, std::uint64_t) -> Status {
        // The first image and its manifest go through; the second image fails.
        if (stage == AtomicWriteStage::Rename && ++writes == 3)
            return Status::error("No space left on device (injected)");
        return Status::ok();
    });
    const Status s = run->run(fakeRender);
    setAtomicWriteFaultHook({});
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message(), m_dir.path("out/harbour-2.png") +
                               ": renaming the temporary file failed: No space left on device "
                               "(injected); the previous file is unchanged");
    EXPECT_EQ(run->rendered(), 1u);
    auto manifest = readBatchManifest(run->manifestPath());
    ASSERT_TRUE(manifest.isOk()) << manifest.error();
    EXPECT_EQ(manifest->images.size(), 1u);
    EXPECT_TRUE(loadProject(m_dir.path("out/harbour-1.png")).isOk());
    EXPECT_FALSE(fs::exists(m_dir.path("out/harbour-2.png")));
}

} // namespace
} // namespace md

// How fast a cancel returns with the default batch budget on the embedded model
// (resources/models/mds-tiny) at 512x512 with 3 regions and on a 512x2048 panorama: the
// engine checks the flag between UNet calls, so a cancel waits for at most the call in
// flight. Checked: the CPU budget cuts a 64x64-view step into calls of at most 4 samples,
// and a cancel raised in the middle of a call returns within about one call (nothing else,
// no further step and no decode, runs after it). The measured seconds are printed.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

using namespace md;

namespace {

using Clock = std::chrono::steady_clock;

Engine& embeddedEngine()
{
    static Engine engine;
    static bool loaded = false;
    if (!loaded) {
        ModelOptions options;
        options.path = md::test::sourcePath("resources/models/mds-tiny");
        options.device = "cpu";
        auto status = engine.load(options);
        if (!status)
            throw std::runtime_error("cannot load mds-tiny: " + status.message());
        loaded = true;
    }
    return engine;
}

GenerateRequest request(int width, int height, int regions)
{
    GenerateRequest r;
    r.width = width;
    r.height = height;
    r.steps = 20;
    r.sampler = SamplerKind::Ddim;
    r.seed = 5;
    r.cheapPreview = false;
    r.prompt = "a green field under a blue sky";
    const char* prompts[] = {"a red house", "a yellow sun", "a tree"};
    for (int i = 0; i < regions; ++i) {
        Region region;
        region.prompt = prompts[i % 3];
        region.box = Box{16 + 160 * i, 64, 150, 300};
        r.regions.push_back(region);
    }
    return r;
}

struct Measured
{
    int batchesPerStep = 0;
    double longestCall = 0; // seconds between two batch callbacks
    double cancel = -1;     // seconds from raising the flag to generate() returning
};

// Runs two steps, then raises the flag from another thread half a call into the third.
Measured measureCancel(const GenerateRequest& r)
{
    Measured m;
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable cv;
    bool armed = false;
    double wait = 0;
    Clock::time_point raised;
    std::thread canceller([&] {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return armed; });
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        lock.lock();
        raised = Clock::now();
        cancel = true;
    });
    auto last = Clock::now();
    auto stepStart = last;
    int stepsDone = 0;
    GenerateCallbacks callbacks;
    callbacks.cancel = &cancel;
    callbacks.onProgress = [&](const Progress& p) {
        const auto now = Clock::now();
        if (p.step > stepsDone) { // a step finished (after its last call)
            stepsDone = p.step;
            m.batchesPerStep = p.totalBatches;
            const double step = std::chrono::duration<double>(now - stepStart).count();
            stepStart = now;
            if (stepsDone == 2) {
                std::lock_guard<std::mutex> lock(mutex);
                wait = 0.5 * step / std::max(1, p.totalBatches);
                armed = true;
                cv.notify_one();
            }
        } else {
            m.longestCall =
                std::max(m.longestCall, std::chrono::duration<double>(now - last).count());
        }
        last = now;
    };
    auto plan = embeddedEngine().plan(r);
    EXPECT_TRUE(plan.isOk()) << plan.error();
    auto image = embeddedEngine().generate(r, callbacks);
    const auto returned = Clock::now();
    {
        std::lock_guard<std::mutex> lock(mutex);
        armed = true;
    }
    cv.notify_one();
    canceller.join();
    EXPECT_FALSE(image.isOk());
    EXPECT_TRUE(image.status().isCancelled()) << image.error();
    if (cancel.load())
        m.cancel = std::chrono::duration<double>(returned - raised).count();
    if (plan) {
        EXPECT_EQ(m.batchesPerStep, plan->unetBatchesPerStep); // the plan's count is the run's
    }
    std::printf("%dx%d, %zu regions: %d UNet calls per step, longest call %.3f s, cancel "
                "returned after %.3f s\n",
                r.width, r.height, r.regions.size(), m.batchesPerStep, m.longestCall, m.cancel);
    return m;
}

} // namespace

TEST(CancelLatency, ThreeRegionsAt512)
{
    const auto m = measureCancel(request(512, 512, 3));
    // 4 paths (background + 3 regions) of 2 samples, at most 4 samples per call.
    EXPECT_EQ(m.batchesPerStep, 2);
    ASSERT_GE(m.cancel, 0.0);
    EXPECT_LT(m.cancel, std::max(0.5, 1.5 * m.longestCall));
    EXPECT_LT(m.cancel, 2.0); // a decode or another step after the flag would take longer
}

TEST(CancelLatency, PanoramaAt512x2048)
{
    const auto m = measureCancel(request(2048, 512, 0));
    // 25 views x 1 prompt, 2 pairs per call.
    EXPECT_EQ(m.batchesPerStep, 13);
    ASSERT_GE(m.cancel, 0.0);
    EXPECT_LT(m.cancel, std::max(0.5, 1.5 * m.longestCall));
    EXPECT_LT(m.cancel, 2.0);
}

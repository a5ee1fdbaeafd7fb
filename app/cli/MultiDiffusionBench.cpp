#include "MultiDiffusionBench.h"

#include "Command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <numeric>
#include <thread>

namespace md::cli {

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

double cpuSeconds()
{
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double one = 0, five = 0, fifteen = 0;
    if (!(in >> one >> five >> fifteen))
        return "unknown";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f %.2f %.2f", one, five, fifteen);
    return text;
}

// "N": N box regions on a 512x512 canvas (a grid of up to 3 columns); "pano": 512x2048
// (height x width) with the background prompt only.
Result<GenerateRequest> caseRequest(const std::string& name, SamplerKind sampler)
{
    GenerateRequest r;
    r.prompt = "a wide landscape with mountains, a lake and a forest";
    r.negative = "blurry, low quality";
    r.cfg = 7.5f;
    r.seed = 7;
    r.sampler = sampler;
    r.cheapPreview = false;
    r.fullDecodeEvery = 0;
    if (name == "pano") {
        r.width = 2048;
        r.height = 512;
        return r;
    }
    const int n = std::atoi(name.c_str());
    if (n < 1 || n > 12)
        return Status::error("case '" + name + "': expected a region count 1..12 or 'pano'");
    r.width = 512;
    r.height = 512;
    const char* prompts[] = {"a red house",  "a yellow sun", "a green tree",
                             "a white boat", "a brown dog",  "a blue car"};
    const int cols = std::min(n, 3);
    const int rows = (n + cols - 1) / cols;
    const int cellW = 512 / cols;
    const int cellH = 512 / rows;
    for (int i = 0; i < n; ++i) {
        Region region;
        region.prompt = prompts[i % 6];
        region.negative = "blurry";
        region.box = Box{(i % cols) * cellW + 16, (i / cols) * cellH + 16, cellW - 32, cellH - 32};
        r.regions.push_back(region);
    }
    return r;
}

struct Timing
{
    std::vector<double> wall;  // seconds per timed step
    std::vector<double> cpu;   // process CPU seconds per timed step
    double longestBatch = 0;   // wall seconds between two batch callbacks
    double cancelSeconds = -1; // from raising the flag mid-batch to generate() returning
    std::string error;

    double meanWall() const { return std::accumulate(wall.begin(), wall.end(), 0.0) / wall.size(); }
    double meanCpu() const { return std::accumulate(cpu.begin(), cpu.end(), 0.0) / cpu.size(); }
};

// Runs `request` for `steps` steps, timing each from the progress callbacks, then cancels:
// at once, or (measureCancel) from another thread half a batch into the next step.
Timing timeSteps(Engine& engine, GenerateRequest request, int steps, bool measureCancel)
{
    request.steps = std::max(20, steps + 2);
    Timing timing;
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable armed;
    bool armedFlag = false;
    double halfBatch = 0;
    Clock::time_point raisedAt;

    std::thread canceller;
    if (measureCancel) {
        canceller = std::thread([&] {
            std::unique_lock<std::mutex> lock(mutex);
            armed.wait(lock, [&] { return armedFlag; });
            const double wait = halfBatch;
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::duration<double>(wait));
            lock.lock();
            raisedAt = Clock::now();
            cancel = true;
        });
    }

    int lastStep = 0;
    auto stepStart = Clock::now();
    auto lastEvent = stepStart;
    double cpuStart = cpuSeconds();
    GenerateCallbacks callbacks;
    callbacks.cancel = &cancel;
    callbacks.onProgress = [&](const Progress& p) {
        const auto now = Clock::now();
        timing.longestBatch = std::max(timing.longestBatch, secondsBetween(lastEvent, now));
        lastEvent = now;
        if (p.step <= lastStep || static_cast<int>(timing.wall.size()) >= steps)
            return;
        lastStep = p.step; // a step finished
        timing.wall.push_back(secondsBetween(stepStart, now));
        timing.cpu.push_back(cpuSeconds() - cpuStart);
        stepStart = now;
        cpuStart = cpuSeconds();
        if (static_cast<int>(timing.wall.size()) < steps)
            return;
        if (!measureCancel) {
            cancel = true;
            return;
        }
        std::lock_guard<std::mutex> lock(mutex);
        halfBatch = 0.5 * timing.wall.back() / std::max(1, p.totalBatches);
        armedFlag = true;
        armed.notify_one();
    };
    auto image = engine.generate(request, callbacks);
    const auto returned = Clock::now();
    if (canceller.joinable()) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            armedFlag = true; // release the thread if the run ended before arming it
        }
        armed.notify_one();
        canceller.join();
        if (cancel.load())
            timing.cancelSeconds = std::max(0.0, secondsBetween(raisedAt, returned));
    }
    if (image)
        timing.error = "the run finished before it was cancelled";
    else if (!image.status().isCancelled())
        timing.error = image.error();
    else if (static_cast<int>(timing.wall.size()) < steps)
        timing.error = "cancelled before the timed steps finished";
    return timing;
}

} // namespace

int runMultiDiffusionBench(Engine& engine, const MultiDiffusionBenchSettings& s)
{
    const std::string cmd = "bench";
    std::vector<GenerateRequest> requests;
    std::vector<GenerationPlan> plans; // with the batched mode's budget
    for (const auto& name : s.cases) {
        auto r = caseRequest(name, s.sampler);
        if (!r)
            return fail(cmd, r.error(), kExitUsage);
        r->maxBatch = s.maxBatch;
        auto plan = engine.plan(r.value());
        if (!plan)
            return fail(cmd, "case " + name + ": " + plan.error(), kExitUsage);
        requests.push_back(r.value());
        plans.push_back(plan.value());
    }
    // The engine's own budget, for the header (the first case's views; all cases share them).
    GenerateRequest first = requests.front();
    first.maxBatch = 0;
    auto defaults = engine.plan(first);
    if (!defaults)
        return fail(cmd, defaults.error());
    const int batched = plans.front().batchLimit;

    const ModelInfo info = engine.info();
    std::printf("model:        %s (%s), %s, %s, %d intra-op threads\n", info.path.c_str(),
                info.family.c_str(), info.device.c_str(), info.dtype.c_str(), info.threads);
    std::printf("sampler:      %s, cfg 7.5; views %dx%d latents, stride %d; %d timed steps "
                "per case and mode after one warm-up step\n",
                samplerName(s.sampler).c_str(), defaults->viewHeight, defaults->viewWidth,
                defaults->stride, s.timedSteps);
    std::printf("batch budget: %d samples per UNet call (%s)%s\n", batched,
                defaults->batchReason.c_str(),
                s.maxBatch > 0 ? " -- overridden by --max-batch" : "");
    std::printf("one path:     2 samples per UNet call (uncond + cond of one view and prompt)\n");
    std::printf("load average: %s (start)\n\n", loadAverage().c_str());
    std::fflush(stdout);

    std::fprintf(stderr, "warm-up step...\n");
    auto warm = requests.front();
    warm.maxBatch = batched;
    if (auto t = timeSteps(engine, warm, 1, false); !t.error.empty())
        return fail(cmd, "warm-up: " + t.error);

    std::printf(
        "| case | canvas | paths (views x prompts) | UNet samples / step | batched: calls / "
        "step | batched: s / step (CPU s) | one path: s / step (CPU s) | speed-up wall "
        "(CPU) | longest batch s | cancel s |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    const auto start = Clock::now();
    for (size_t i = 0; i < requests.size(); ++i) {
        GenerateRequest r = requests[i];
        const GenerationPlan& plan = plans[i];
        const int prompts = plan.prompts;
        const int views = plan.views;
        std::fprintf(stderr, "case %s: batched...\n", s.cases[i].c_str());
        r.maxBatch = batched;
        const Timing a = timeSteps(engine, r, s.timedSteps, true);
        if (!a.error.empty())
            return fail(cmd, "case " + s.cases[i] + " (batched): " + a.error);
        std::fprintf(stderr, "case %s: one path at a time...\n", s.cases[i].c_str());
        r.maxBatch = 2;
        const Timing b = timeSteps(engine, r, s.timedSteps, false);
        if (!b.error.empty())
            return fail(cmd, "case " + s.cases[i] + " (one path): " + b.error);
        const std::string label = s.cases[i] == "pano"
                                      ? "panorama, no regions"
                                      : s.cases[i] + (prompts == 2 ? " region" : " regions");
        std::printf("| %s | %dx%d | %d (%d x %d) | %d | %d | %.2f (%.2f) | %.2f (%.2f) | "
                    "%.2fx (%.2fx) | %.2f | %.2f |\n",
                    label.c_str(), r.width, r.height, views * prompts, views, prompts,
                    plan.unetSamplesPerStep, plan.unetBatchesPerStep, a.meanWall(), a.meanCpu(),
                    b.meanWall(), b.meanCpu(), b.meanWall() / a.meanWall(),
                    b.meanCpu() / a.meanCpu(), a.longestBatch, a.cancelSeconds);
        std::fflush(stdout);
    }
    std::printf("\nload average: %s (end); %.0f s for the table\n", loadAverage().c_str(),
                secondsBetween(start, Clock::now()));
    std::printf("cancel s: from raising the flag half a batch into a step (batched mode) to "
                "generate() returning; the worst case is about one longest batch.\n");
    return kExitOk;
}

} // namespace md::cli

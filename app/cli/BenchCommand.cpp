// mdstudio-cli bench: seconds per UNet call and per image (a benchmark, not a test);
// with --multidiffusion, seconds per fused step batched vs one path at a time.

#include "CommandLine.h"
#include "MultiDiffusionBench.h"
#include "engine/EngineTypes.h"

#include <cstdio>
#include <sstream>

namespace md::cli {

namespace {

struct BenchArgs
{
    int width = 0;
    int height = 0;
    int steps = 20;
    std::string sampler;
    int calls = 5;
    std::string prompt = "a photo of a red cat sitting on a wooden table";
    bool multiDiffusion = false;
    std::string cases;
    int timedSteps = 2;
    int maxBatch = 0;

    void addTo(CommandLine& cl)
    {
        cl.integer("--width", width, 8, kMaxCanvasSize, "W", "image width (default: native)");
        cl.integer("--height", height, 8, kMaxCanvasSize, "H", "image height (default: native)");
        cl.integer("--steps", steps, 1, 1000, "N", "steps of the timed image (default 20)");
        cl.sampler("--sampler", sampler, "sampler of the timed image (default dpmpp_2m_karras)");
        cl.integer("--calls", calls, 1, 10000, "N", "timed UNet calls (default 5)");
        cl.text("--prompt", prompt, "TEXT", "prompt of the timed image");
        cl.flag("--multidiffusion", multiDiffusion,
                "instead: seconds per MultiDiffusion step (1, 3, 6 regions at 512x512, a "
                "512x2048 panorama), default batch budget vs one path per UNet call");
        cl.text("--cases", cases, "LIST", "with --multidiffusion: e.g. 1,3,6,pano (the default)");
        cl.integer("--timed-steps", timedSteps, 1, 100, "N",
                   "with --multidiffusion: timed steps per case (default 2)");
        cl.integer("--max-batch", maxBatch, 2, 1024, "N",
                   "with --multidiffusion: the batched budget (default: the engine's)");
    }
};

int runMultiDiffusion(CommandLine& cl, const BenchArgs& a)
{
    MultiDiffusionBenchSettings settings;
    settings.timedSteps = a.timedSteps;
    settings.maxBatch = a.maxBatch;
    if (cl.given("--cases")) {
        settings.cases.clear();
        std::stringstream list(a.cases);
        for (std::string item; std::getline(list, item, ',');)
            if (!item.empty())
                settings.cases.push_back(item);
        if (settings.cases.empty())
            return cl.usageError("--cases expects a list such as 1,3,6,pano");
    }
    if (!a.sampler.empty())
        settings.sampler = *samplerFromName(a.sampler);
    Engine engine;
    if (auto exit = cl.loadModel(engine))
        return *exit;
    return runMultiDiffusionBench(engine, settings);
}

} // namespace

int runBench(const std::vector<std::string>& args)
{
    CommandLine cl("bench", "Times UNet calls (batch 2: CFG's uncond + cond) and whole images.");
    cl.addModelOptions();
    BenchArgs a;
    a.addTo(cl);
    if (auto exit = cl.parse(args))
        return *exit;
    if (a.multiDiffusion)
        return runMultiDiffusion(cl, a);
    GenerateRequest r;
    r.prompt = a.prompt;
    r.steps = a.steps;
    r.cfg = 7.5f;
    r.seed = 42;
    if (!a.sampler.empty())
        r.sampler = *samplerFromName(a.sampler);
    Engine engine;
    if (auto exit = cl.loadModel(engine))
        return *exit;
    const auto info = engine.info();
    r.width = a.width > 0 ? a.width : info.nativeWidth;
    r.height = a.height > 0 ? a.height : info.nativeHeight;
    auto report = engine.benchmark(r, a.calls);
    if (!report)
        return cl.fail(report.error());
    const auto& b = report.value();
    std::printf("model:            %s (%s)\n", info.path.c_str(), info.family.c_str());
    std::printf("device, dtype:    %s, %s, %d threads\n", b.device.c_str(), b.dtype.c_str(),
                b.threads);
    std::printf("size, steps:      %dx%d, %d steps, %s, cfg 7.5\n", b.width, b.height, b.steps,
                samplerName(r.sampler).c_str());
    std::printf("                  wall s    process CPU s\n");
    std::printf("unet call:        %-9.4f %-9.4f (batch %d, mean of %d after a warm-up)\n",
                b.unetCallSeconds, b.unetCallCpuSeconds, b.unetBatch, b.unetCalls);
    std::printf("vae decode:       %-9.4f %-9.4f\n", b.vaeDecodeSeconds, b.vaeDecodeCpuSeconds);
    std::printf("image:            %-9.4f %-9.4f (text + %d steps + decode)\n", b.imageSeconds,
                b.imageCpuSeconds, b.steps);
    std::printf("text encode:      %-9.4f           (prompt + negative)\n", b.textEncodeSeconds);
    return kExitOk;
}

} // namespace md::cli

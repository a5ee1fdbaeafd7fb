// mdstudio-cli bench: seconds per UNet call and per image (a benchmark, not a test);
// with --multidiffusion, seconds per fused step batched vs one path at a time.

#include "ArgParser.h"
#include "Command.h"
#include "ModelArgs.h"
#include "MultiDiffusionBench.h"

#include <cstdio>
#include <sstream>

namespace md::cli {

namespace {

int runMultiDiffusion(const ArgParser& p, const ModelOptions& options)
{
    const std::string cmd = "bench";
    MultiDiffusionBenchSettings settings;
    auto timed = p.getInt("--timed-steps", 2, 1, 100);
    auto batch = p.getInt("--max-batch", 0, 2, 1024);
    if (!timed)
        return fail(cmd, timed.error(), kExitUsage);
    if (!batch)
        return fail(cmd, batch.error(), kExitUsage);
    settings.timedSteps = timed.value();
    settings.maxBatch = batch.value();
    if (p.has("--cases")) {
        settings.cases.clear();
        std::stringstream list(p.get("--cases"));
        for (std::string item; std::getline(list, item, ',');)
            if (!item.empty())
                settings.cases.push_back(item);
        if (settings.cases.empty())
            return fail(cmd, "--cases expects a list such as 1,3,6,pano", kExitUsage);
    }
    if (p.has("--sampler")) {
        const auto kind = samplerFromName(p.get("--sampler"));
        if (!kind)
            return fail(cmd, "unknown sampler '" + p.get("--sampler") + "'", kExitUsage);
        settings.sampler = *kind;
    }
    Engine engine;
    if (auto s = loadEngine(engine, options); !s)
        return fail(cmd, s.message());
    return runMultiDiffusionBench(engine, settings);
}

} // namespace

int runBench(const std::vector<std::string>& args)
{
    const std::string cmd = "bench";
    ArgParser p(cmd, "Times UNet calls (batch 2: CFG's uncond + cond) and whole images.");
    addModelOptions(p);
    p.option("--width", "W", "image width (default: native)")
        .option("--height", "H", "image height (default: native)")
        .option("--steps", "N", "steps of the timed image (default 20)")
        .option("--sampler", "NAME", "sampler of the timed image (default dpmpp_2m_karras)")
        .option("--calls", "N", "timed UNet calls (default 5)")
        .option("--prompt", "TEXT", "prompt of the timed image")
        .flag("--multidiffusion",
              "instead: seconds per MultiDiffusion step (1, 3, 6 regions at 512x512, a "
              "512x2048 panorama), default batch budget vs one path per UNet call")
        .option("--cases", "LIST", "with --multidiffusion: e.g. 1,3,6,pano (the default)")
        .option("--timed-steps", "N", "with --multidiffusion: timed steps per case (default 2)")
        .option("--max-batch", "N",
                "with --multidiffusion: the batched budget (default: the "
                "engine's)");
    if (auto s = p.parse(args); !s)
        return fail(cmd, s.message(), kExitUsage);
    if (p.helpRequested()) {
        std::printf("%s", p.usage().c_str());
        return kExitOk;
    }
    auto options = modelOptionsFrom(p);
    if (!options)
        return fail(cmd, options.error(), kExitUsage);
    auto width = p.getInt("--width", 0, 8, 16384);
    auto height = p.getInt("--height", 0, 8, 16384);
    auto steps = p.getInt("--steps", 20, 1, 1000);
    auto calls = p.getInt("--calls", 5, 1, 10000);
    if (!width || !height || !steps || !calls) {
        for (const auto* r : {&width, &height, &steps, &calls})
            if (!*r)
                return fail(cmd, r->error(), kExitUsage);
    }
    if (p.has("--multidiffusion"))
        return runMultiDiffusion(p, options.value());
    GenerateRequest r;
    r.prompt = p.get("--prompt", "a photo of a red cat sitting on a wooden table");
    r.steps = steps.value();
    r.cfg = 7.5f;
    r.seed = 42;
    if (p.has("--sampler")) {
        const auto kind = samplerFromName(p.get("--sampler"));
        if (!kind)
            return fail(cmd, "unknown sampler '" + p.get("--sampler") + "'", kExitUsage);
        r.sampler = *kind;
    }
    Engine engine;
    if (auto s = loadEngine(engine, options.value()); !s)
        return fail(cmd, s.message());
    const auto info = engine.info();
    r.width = width.value() > 0 ? width.value() : info.nativeWidth;
    r.height = height.value() > 0 ? height.value() : info.nativeHeight;
    auto report = engine.benchmark(r, calls.value());
    if (!report)
        return fail(cmd, report.error());
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

// mdstudio-cli bench: seconds per UNet call and per image (a benchmark, not a test).

#include "ArgParser.h"
#include "Command.h"
#include "ModelArgs.h"

#include <cstdio>

namespace md::cli {

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
        .option("--prompt", "TEXT", "prompt of the timed image");
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

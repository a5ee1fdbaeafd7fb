// mdstudio-cli generate: text-to-image into a PNG (with A1111 "parameters" metadata).

#include "ArgParser.h"
#include "BatchCommand.h"
#include "Command.h"
#include "ModelArgs.h"
#include "RegionArgs.h"
#include "Signals.h"
#include "document/A1111Parameters.h"
#include "document/ImageIo.h"
#include "engine/Engine.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace md::cli {

namespace {

std::string parametersText(const GenerateRequest& r, const ModelInfo& info)
{
    std::string text = r.prompt;
    if (!r.negative.empty())
        text += "\nNegative prompt: " + r.negative;
    char cfg[32];
    std::snprintf(cfg, sizeof cfg, "%g", r.cfg);
    text += "\nSteps: " + std::to_string(r.steps) + ", Sampler: " + samplerDisplayName(r.sampler) +
            ", CFG scale: " + cfg + ", Seed: " + std::to_string(r.seed) +
            ", Size: " + std::to_string(r.width) + "x" + std::to_string(r.height) +
            ", Model: " + a1111Quote(std::filesystem::path(info.path).filename().string());
    if (info.clipSkip > 1)
        text += ", Clip skip: " + std::to_string(info.clipSkip);
    if (!r.regions.empty()) {
        text += ", MultiDiffusion regions: " + std::to_string(r.regions.size());
        for (size_t i = 0; i < r.regions.size(); ++i)
            text += ", Region " + std::to_string(i + 1) + ": " + a1111Quote(r.regions[i].prompt);
        if (r.bootstrapSteps > 0)
            text += ", Bootstrap steps: " + std::to_string(r.bootstrapSteps);
    }
    return text;
}

} // namespace

int runGenerate(const std::vector<std::string>& args)
{
    const std::string cmd = "generate";
    ArgParser p(cmd, "Generates an image from a prompt and writes it as PNG.");
    addModelOptions(p);
    p.option("--prompt", "TEXT", "what to draw ((word:1.2) weights, long prompts in chunks)")
        .option("--negative", "TEXT", "what to avoid")
        .option("--width", "W", "image width, a multiple of 8 (default: the model's native size)")
        .option("--height", "H", "image height, a multiple of 8 (default: native)")
        .option("--steps", "N", "sampling steps (default 20)")
        .option("--cfg", "S", "classifier-free guidance scale (default 7.5)")
        .option("--seed", "N", "random seed (default: a random one, printed)")
        .option("--sampler", "NAME",
                "ddim, euler, euler_a, dpmpp_2m or dpmpp_2m_karras "
                "(default dpmpp_2m_karras)")
        .option("--out", "FILE", "the PNG to write (default output.png)")
        .option("--save-project", "FILE", "also save these settings as a project (.mdsp)")
        .flag("--quiet", "no progress on stderr")
        .flag("--verbose", "also report the loading stages");
    addRegionOptions(p);
    if (auto s = p.parse(args); !s)
        return fail(cmd, s.message(), kExitUsage);
    if (p.helpRequested()) {
        std::printf("%s", p.usage().c_str());
        return kExitOk;
    }
    if (!p.positionals().empty())
        return fail(cmd,
                    "unexpected argument '" + p.positionals()[0] +
                        "' (the prompt goes after --prompt)",
                    kExitUsage);
    const bool quiet = p.has("--quiet");

    GenerateRequest r;
    r.prompt = p.get("--prompt");
    r.negative = p.get("--negative");
    auto steps = p.getInt("--steps", 20, 1, 1000);
    auto cfg = p.getDouble("--cfg", 7.5, 0.0, 100.0);
    auto width = p.getInt("--width", 0, 8, 16384);
    auto height = p.getInt("--height", 0, 8, 16384);
    if (!steps)
        return fail(cmd, steps.error(), kExitUsage);
    if (!cfg)
        return fail(cmd, cfg.error(), kExitUsage);
    if (!width)
        return fail(cmd, width.error(), kExitUsage);
    if (!height)
        return fail(cmd, height.error(), kExitUsage);
    r.steps = steps.value();
    r.cfg = static_cast<float>(cfg.value());
    auto regions = parseRegions(args);
    if (!regions)
        return fail(cmd, regions.error(), kExitUsage);
    r.regions = std::move(regions.value());
    if (auto s = applyFusionOptions(p, r); !s)
        return fail(cmd, s.message(), kExitUsage);
    if (p.has("--sampler")) {
        const auto kind = samplerFromName(p.get("--sampler"));
        if (!kind)
            return fail(cmd,
                        "unknown sampler '" + p.get("--sampler") +
                            "' (ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras)",
                        kExitUsage);
        r.sampler = *kind;
    }
    if (p.has("--seed") && p.get("--seed") != "-1") {
        auto seed = p.getUInt64("--seed", 0);
        if (!seed)
            return fail(cmd, seed.error(), kExitUsage);
        r.seed = seed.value();
    } else {
        r.seed = std::random_device{}() & 0xffffffffu;
    }
    const std::string out = p.get("--out", "output.png");
    auto options = modelOptionsFrom(p);
    if (!options)
        return fail(cmd, options.error(), kExitUsage);

    if ((width.value() % 8) != 0 || (height.value() % 8) != 0)
        return fail(cmd,
                    "--width and --height must be multiples of 8, got " +
                        std::to_string(width.value()) + "x" + std::to_string(height.value()),
                    kExitUsage);

    Engine engine;
    const auto loadStart = std::chrono::steady_clock::now();
    if (auto s = loadEngine(engine, options.value(), p.has("--verbose")); !s)
        return fail(cmd, s.message());
    const auto info = engine.info();
    r.width = width.value() > 0 ? width.value() : info.nativeWidth;
    r.height = height.value() > 0 ? height.value() : info.nativeHeight;
    if (auto s = engine.validate(r); !s)
        return fail(cmd, s.message(), kExitUsage);
    if (!quiet)
        std::fprintf(
            stderr, "loaded %s (%s, %s on %s, %.2f s)\n", info.path.c_str(), info.family.c_str(),
            info.dtype.c_str(), info.device.c_str(),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count());

    CancelOnInterrupt interrupt;
    GenerateCallbacks callbacks;
    callbacks.cancel = interrupt.flag();
    const bool tty = isatty(2) != 0;
    if (!quiet) {
        std::fprintf(stderr, "generating %dx%d, %d steps, %s, cfg %g, seed %llu\n", r.width,
                     r.height, r.steps, samplerName(r.sampler).c_str(), r.cfg,
                     static_cast<unsigned long long>(r.seed));
        callbacks.onProgress = [tty](const Progress& pr) {
            std::fprintf(stderr, tty ? "\rstep %d/%d" : "step %d/%d\n", pr.step, pr.totalSteps);
            if (tty && pr.step == pr.totalSteps)
                std::fprintf(stderr, "\n");
        };
    }
    const std::string previewDir = p.get("--preview-dir");
    if (!previewDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(previewDir, ec);
        if (ec)
            return fail(cmd, "cannot create " + previewDir + ": " + ec.message());
        r.fullDecodeEvery = 0;
        callbacks.onPreview = [previewDir](const PreviewFrame& frame) {
            char name[64];
            std::snprintf(name, sizeof name, "/step-%03d%s.png", frame.step,
                          frame.fullDecode ? "" : "-preview");
            writePng(previewDir + name, frame.image);
        };
    }
    const auto start = std::chrono::steady_clock::now();
    auto image = engine.generate(r, callbacks);
    if (!image) {
        if (image.status().isCancelled())
            return fail(cmd, "cancelled", kExitCancelled);
        return fail(cmd, image.error());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (auto s = writePng(out, image.value(), {{"parameters", parametersText(r, info), false}}); !s)
        return fail(cmd, s.message());
    if (p.has("--save-project")) {
        if (auto s = saveGeneratedProject(p.get("--save-project"), r, options->path, *image); !s)
            return fail(cmd, s.message());
    }
    if (!quiet)
        std::fprintf(stderr, "wrote %s (%dx%d, seed %llu, %.2f s)\n", out.c_str(), r.width,
                     r.height, static_cast<unsigned long long>(r.seed), seconds);
    return kExitOk;
}

} // namespace md::cli

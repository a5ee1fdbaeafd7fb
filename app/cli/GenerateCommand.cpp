// mdstudio-cli generate: text-to-image (or img2img, a reroll, an upscale: ImageArgs.h) into a
// PNG that carries the whole project (A1111 "parameters" and the "mdstudio-project" chunk), so
// `mdstudio-cli batch` can render it again.

#include "CommandLine.h"
#include "ImageArgs.h"
#include "OptionChecks.h"
#include "RegionArgs.h"
#include "Signals.h"
#include "document/A1111Parameters.h"
#include "document/AtomicFile.h"
#include "document/FileType.h"
#include "document/ImageIo.h"
#include "document/LoraFiles.h"
#include "document/LoraHash.h"
#include "document/ModelHash.h"
#include "document/OutputPng.h"
#include "document/ProjectFile.h"
#include "engine/Engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace md::cli {

namespace {

struct GenerateArgs
{
    std::string prompt;
    std::string negative;
    int width = 0;
    int height = 0;
    int steps = 20;
    double cfg = 7.5;
    std::string seed;
    std::string sampler;
    std::string out = "output.png";
    std::string saveProject;
    std::vector<std::string> loraDirs;

    void addTo(CommandLine& cl)
    {
        cl.text("--prompt", prompt, "TEXT",
                "what to draw ((word:1.2) weights, long prompts in chunks)");
        cl.text("--negative", negative, "TEXT", "what to avoid");
        cl.integer("--width", width, 8, kMaxCanvasSize, "W",
                   "image width, a multiple of 8 (default: the model's native size)");
        cl.integer("--height", height, 8, kMaxCanvasSize, "H",
                   "image height, a multiple of 8 (default: native)");
        cl.integer("--steps", steps, 1, 1000, "N", "sampling steps (default 20)");
        cl.number("--cfg", cfg, 0.0, 100.0, "S", "classifier-free guidance scale (default 7.5)");
        cl.checked(cl.text("--seed", seed, "N", "random seed (default: a random one, printed)"),
                   [](const std::string& v) {
                       return v == "-1" ? std::string() : checkUInt64("--seed", v);
                   });
        cl.sampler("--sampler", sampler,
                   "ddim, euler, euler_a, dpmpp_2m or dpmpp_2m_karras (default dpmpp_2m_karras)");
        cl.text("--out", out, "FILE",
                "the PNG to write, with the project inside (default output.png)");
        cl.text("--save-project", saveProject, "FILE",
                "also save these settings as a project (.mdsp)");
        cl.checked(cl.repeatable("--lora-dir", loraDirs, "DIR",
                                 "where <lora:NAME:W> tags find NAME.safetensors (the first "
                                 "folder that has it)"),
                   checkFolder);
    }
};

// The folder a file is written into ("." for a bare name).
std::string folderOf(const std::string& path)
{
    const std::string parent = std::filesystem::path(path).parent_path().string();
    return parent.empty() ? std::string(".") : parent;
}

// Everything that would make the outputs fail after the rendering, checked before it: each
// target is absent or a regular file in a writable folder; the preview folder is a writable
// folder (created when missing).
Status checkOutputs(const GenerateArgs& a, const std::string& previewDir)
{
    std::vector<std::string> targets{a.out};
    if (!a.saveProject.empty())
        targets.push_back(a.saveProject);
    for (const std::string& target : targets) {
        if (auto s = checkOutputTarget(target); !s)
            return s;
        if (auto s = checkWritableFolder(folderOf(target)); !s)
            return s.withContext("cannot write " + target);
    }
    if (!previewDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(previewDir, ec);
        if (auto s = checkWritableFolder(previewDir); !s)
            return s.withContext("--preview-dir");
    }
    return Status::ok();
}

// The PNG with the whole project inside; a request the project format cannot hold (a canvas
// side under 64 or over 8192) gets the "parameters" chunk alone, with a warning.
Status writeOutputs(const GenerateArgs& a, const GenerateRequest& r, const std::string& modelPath,
                    const RgbImage& image, const std::vector<ResultLora>& loras, bool quiet)
{
    auto project = projectFromGenerated(r, modelPath, image);
    if (!project)
        return project.status();
    project->results.front().loras = loras;
    auto png = encodeExportPng(project.value(), project->results.front());
    if (png) {
        if (auto s = writeFileAtomic(a.out, png.value()); !s)
            return s;
    } else {
        if (!quiet)
            std::fprintf(stderr, "warning: %s holds no project (%s)\n", a.out.c_str(),
                         png.error().c_str());
        const PngTextChunks text{
            {kParametersKeyword, a1111Parameters(r, project->model, loras), false}};
        if (auto s = writePng(a.out, image, text); !s)
            return s;
    }
    if (!a.saveProject.empty())
        return saveProject(project.value(), a.saveProject);
    return Status::ok();
}

// --project: the project with the new result appended (and the region seeds used), exported
// as the PNG and saved by --save-project.
Status writeProjectOutputs(const GenerateArgs& a, Project& project, const RgbImage& image,
                           const ImageArgs::ProjectRequest& made,
                           const std::vector<ResultLora>& loras)
{
    ProjectResult result =
        makeResult(project, image, made.request, made.sourceResultId, made.upscale);
    result.loras = loras;
    result.timestamp = resultTimestamp();
    if (project.results.size() >= kMaxResults)
        project.results.erase(project.results.begin());
    project.results.push_back(std::move(result));
    if (auto s = exportPng(project, project.results.back(), a.out); !s)
        return s;
    if (!a.saveProject.empty())
        return saveProject(project, a.saveProject);
    return Status::ok();
}

// What the request starts from, for the "generating ..." line.
std::string conditioningText(const GenerateRequest& r)
{
    if (r.initImage.empty())
        return "";
    char buf[96];
    if (r.rerollMask.empty()) {
        std::snprintf(buf, sizeof buf, ", from an image at strength %g", double(r.strength));
        return buf;
    }
    double covered = 0;
    for (float v : r.rerollMask.values)
        covered += v;
    std::snprintf(buf, sizeof buf, ", rerolling %.0f%% of the canvas at strength %g",
                  100.0 * covered / double(std::max<std::size_t>(1, r.rerollMask.values.size())),
                  double(r.strength));
    return buf;
}

} // namespace

int runGenerate(const std::vector<std::string>& args)
{
    CommandLine cl("generate", "Generates an image from a prompt and writes it as PNG.");
    cl.addModelOptions();
    GenerateArgs a;
    a.addTo(cl);
    cl.addOutputOptions();
    RegionArgs regions;
    regions.addTo(cl);
    ImageArgs images;
    images.addTo(cl);
    if (auto exit = cl.parse(args, " (the prompt goes after --prompt)"))
        return *exit;
    const bool quiet = cl.quiet();
    if (auto s = images.checkCombinations(cl); !s)
        return cl.usageError(s.message());
    if (auto s = images.readFiles(); !s)
        return cl.usageError(s.message());
    const bool fromProject = images.fromProject();

    GenerateRequest r;
    r.prompt = a.prompt;
    r.negative = a.negative;
    r.steps = a.steps;
    r.cfg = static_cast<float>(a.cfg);
    if (auto s = regions.apply(cl, r); !s)
        return cl.usageError(s.message());
    if (!a.sampler.empty())
        r.sampler = *samplerFromName(a.sampler);
    const bool seedGiven = !a.seed.empty() && a.seed != "-1";
    r.seed = seedGiven ? toUInt64(a.seed) : std::random_device{}() & 0xffffffffu;
    if ((a.width % 8) != 0 || (a.height % 8) != 0)
        return cl.usageError("--width and --height must be multiples of 8, got " +
                             std::to_string(a.width) + "x" + std::to_string(a.height));
    const std::string& previewDir = regions.previewDir();
    if (auto s = checkOutputs(a, previewDir); !s)
        return cl.fail(s.message());

    // --project: its request, with the options given on top (a reroll's --seed is the new
    // seed of the rerolled regions; the rest keep the project's).
    ImageArgs::ProjectRequest made;
    if (fromProject) {
        const bool reroll = cl.given("--reroll-region") || cl.given("--reroll");
        const std::uint64_t newSeed = r.seed;
        auto override = [&](GenerateRequest& request) {
            if (cl.given("--steps"))
                request.steps = a.steps;
            if (cl.given("--cfg"))
                request.cfg = static_cast<float>(a.cfg);
            if (cl.given("--sampler"))
                request.sampler = r.sampler;
            if (seedGiven && !reroll)
                request.seed = newSeed;
            if (request.bootstrapSteps > request.steps)
                request.bootstrapSteps = request.steps;
            request.maxBatch = r.maxBatch;
        };
        auto built = images.projectRequest(override, newSeed);
        if (!built)
            return cl.usageError(built.error());
        made = std::move(built.value());
        r = made.request;
    }
    // The LoRAs of the prompts, found and hashed before the model loads: a missing file stops
    // here, naming it and the folders searched.
    r.loraDirs = a.loraDirs;
    auto loras = recordLoras(r);
    if (!loras)
        return cl.fail(loras.error());

    Engine engine;
    if (auto exit = cl.loadModel(engine, fromProject ? images.project().model.path : ""))
        return *exit;
    const auto info = engine.info();
    if (fromProject && cl.given("--model")) { // the results record the model that made them
        auto model = describeModel(info.path);
        if (!model)
            return cl.fail(model.error());
        images.project().model = model.value();
    }
    if (!fromProject) {
        const auto imageSize = images.imageSize();
        r.width = a.width > 0 ? a.width : imageSize ? imageSize->first : info.nativeWidth;
        r.height = a.height > 0 ? a.height : imageSize ? imageSize->second : info.nativeHeight;
        if (auto s = images.apply(r); !s)
            return cl.usageError(s.message());
    }
    r.fastDecode = images.fastDecode();
    if (r.fastDecode && info.previewDecoder.empty() && !quiet)
        std::fprintf(stderr,
                     "warning: --fast-decode: no tiny decoder is loaded; the VAE decodes\n");
    if (auto s = engine.validate(r); !s)
        return cl.usageError(s.message());
    // The project --save-project will write must be valid: found now, not after rendering.
    if (!a.saveProject.empty()) {
        const Status s =
            fromProject ? validate(images.project()) : validate(projectFromRequest(r, {}));
        if (!s)
            return cl.usageError(s.withContext("cannot save an invalid project").message());
    }
    // Before any work: refused when its memory is beyond what this machine has left.
    auto estimate = engine.estimate(r);
    if (!estimate)
        return cl.fail(estimate.error());
    if (!estimate.value().fits)
        return cl.fail(estimate.value().message);

    CancelOnInterrupt interrupt;
    GenerateCallbacks callbacks;
    callbacks.cancel = interrupt.flag();
    const bool tty = isatty(2) != 0;
    if (!quiet) {
        const double peak = static_cast<double>(estimate.value().peakBytes());
        const bool gib = peak >= double(1 << 30);
        std::fprintf(stderr,
                     "generating %dx%d, %d steps, %s, cfg %g, seed %llu%s (about %.*f %s of "
                     "memory, %lld UNet evaluations)\n",
                     r.width, r.height, r.steps, samplerName(r.sampler).c_str(), r.cfg,
                     static_cast<unsigned long long>(r.seed), conditioningText(r).c_str(),
                     gib ? 1 : 0, peak / double(gib ? 1 << 30 : 1 << 20), gib ? "GiB" : "MiB",
                     static_cast<long long>(estimate.value().unetEvaluations));
        for (const ResultLora& l : loras.value())
            std::fprintf(stderr, "LoRA %s (%s), weights %g/%g\n", l.name.c_str(),
                         loraShortHash(l.hash).c_str(), double(l.unetWeight), double(l.textWeight));
        callbacks.onProgress = [tty](const Progress& pr) {
            std::fprintf(stderr, tty ? "\rstep %d/%d" : "step %d/%d\n", pr.step, pr.totalSteps);
            if (tty && pr.step == pr.totalSteps)
                std::fprintf(stderr, "\n");
        };
    }
    if (!previewDir.empty()) {
        r.fullDecodeEvery = 0;
        // A preview that cannot be written (a full disk) is a warning, once; the image goes on.
        callbacks.onPreview = [previewDir, warned = false](const PreviewFrame& frame) mutable {
            char name[64];
            std::snprintf(name, sizeof name, "/step-%03d%s.png", frame.step,
                          frame.fullDecode ? "" : "-preview");
            if (auto s = writePng(previewDir + name, frame.image); !s && !warned) {
                std::fprintf(stderr, "\nwarning: previews stopped: %s\n", s.message().c_str());
                warned = true;
            }
        };
    }
    const auto start = std::chrono::steady_clock::now();
    auto image = engine.generate(r, callbacks);
    if (!image) {
        if (image.status().isCancelled())
            return cl.fail("cancelled", kExitCancelled);
        return cl.fail(image.error());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const Status written =
        fromProject ? writeProjectOutputs(a, images.project(), image.value(), made, loras.value())
                    : writeOutputs(a, r, info.path, image.value(), loras.value(), quiet);
    if (!written)
        return cl.fail(written.message());
    if (!quiet)
        std::fprintf(stderr, "wrote %s (%dx%d, seed %llu, %.2f s)\n", a.out.c_str(), r.width,
                     r.height, static_cast<unsigned long long>(r.seed), seconds);
    return kExitOk;
}

} // namespace md::cli

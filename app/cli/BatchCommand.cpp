// mdstudio-cli batch P.mdsp [--seeds 1-16 | --seeds 3,7,9 | --count N] [--out DIR]
//     [--steps N] [--cfg S] [--sampler NAME] [--model PATH] [--resume]
// Each seed becomes DIR/<project>-<seed>.png (an export: A1111 parameters + the project).
// DIR/manifest.json lists what was made; --resume skips images it lists whose file is
// unchanged and whose settings match. The first Ctrl+C stops after the current image.

#include "BatchCommand.h"

#include "ArgParser.h"
#include "Command.h"
#include "ModelArgs.h"
#include "Signals.h"
#include "document/AtomicFile.h"
#include "document/BatchManifest.h"
#include "document/ModelHash.h"
#include "document/ProjectFile.h"
#include "document/SeedList.h"
#include "document/Sha256.h"
#include "engine/Engine.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace md::cli {

namespace fs = std::filesystem;

namespace {

const char* kCmd = "batch";
using Clock = std::chrono::steady_clock;

ArgParser makeParser()
{
    ArgParser p(kCmd, "Renders a saved project (.mdsp, or a PNG exported by MultiDiffusion "
                      "Studio) once per seed, into DIR/<project>-<seed>.png with metadata.");
    addModelOptions(p);
    p.positional("PROJECT", "the .mdsp project or an exported PNG")
        .option("--seeds", "LIST", "seeds to render: 1-16, 3,7,9 or a mix (default: the project's)")
        .option("--count", "N", "render N seeds counting up from the project's seed")
        .option("--out", "DIR", "output folder (default: the current folder)")
        .option("--steps", "N", "override the project's sampling steps")
        .option("--cfg", "S", "override the project's guidance scale")
        .option("--sampler", "NAME",
                "override the sampler (ddim, euler, euler_a, dpmpp_2m, "
                "dpmpp_2m_karras)")
        .flag("--resume", "skip images that manifest.json lists as finished")
        .flag("--quiet", "no progress on stderr")
        .flag("--verbose", "also report the loading stages");
    return p;
}

std::string projectStem(const std::string& path)
{
    std::string stem = fs::path(path).stem().string();
    return stem.empty() ? "project" : stem;
}

std::string clock(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e7)
        return "--:--";
    const long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

// Progress over the whole batch: a redrawn bar on a terminal, plain lines otherwise.
class BatchProgress
{
public:
    BatchProgress(int images, int stepsPerImage, bool quiet)
        : m_images(images), m_steps(stepsPerImage), m_quiet(quiet), m_tty(isatty(2) != 0)
    {
    }

    void startImage(int index, std::uint64_t seed)
    {
        m_index = index;
        m_seed = seed;
        m_imageStart = Clock::now();
        if (!m_started) {
            m_start = m_imageStart;
            m_started = true;
        }
        draw(0);
    }

    void step(int done)
    {
        if (done != m_lastStep) // the engine reports each UNet batch; redraw per step
            draw(done);
    }

    void finishImage(const std::string& file, double seconds)
    {
        ++m_finished;
        if (m_quiet)
            return;
        if (m_tty)
            std::fprintf(stderr, "\r\033[K");
        std::fprintf(stderr, "[%d/%d] seed %llu: wrote %s (%.2f s, ETA %s)\n", m_index + 1,
                     m_images, static_cast<unsigned long long>(m_seed), file.c_str(), seconds,
                     clock(eta(0)).c_str());
    }

    void line(const std::string& text)
    {
        if (m_quiet)
            return;
        if (m_tty)
            std::fprintf(stderr, "\r\033[K");
        std::fprintf(stderr, "%s\n", text.c_str());
    }

private:
    // Seconds left: remaining steps at the average step time of this run so far.
    double eta(int stepInImage) const
    {
        const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
        const double stepsDone = double(m_finished) * m_steps + stepInImage;
        const double stepsLeft = double(m_images - m_finished) * m_steps - stepInImage;
        if (stepsDone <= 0)
            return -1;
        return elapsed / stepsDone * stepsLeft;
    }

    void draw(int stepInImage)
    {
        m_lastStep = stepInImage;
        if (m_quiet || !m_tty)
            return;
        const int width = 24;
        const double total = double(m_images) * m_steps;
        const double done = double(m_finished) * m_steps + stepInImage;
        const int filled = total > 0 ? int(width * done / total) : 0;
        std::string bar(std::size_t(filled), '#');
        bar.resize(width, '-');
        std::fprintf(stderr, "\r\033[K[%s] %d/%d seed %llu step %d/%d ETA %s", bar.c_str(),
                     m_index + 1, m_images, static_cast<unsigned long long>(m_seed), stepInImage,
                     m_steps, clock(eta(stepInImage)).c_str());
        std::fflush(stderr);
    }

    int m_images;
    int m_steps;
    bool m_quiet;
    bool m_tty;
    int m_index = 0;
    int m_finished = 0;
    int m_lastStep = -1;
    std::uint64_t m_seed = 0;
    bool m_started = false;
    Clock::time_point m_start;
    Clock::time_point m_imageStart;
};

std::int64_t resultTimestamp()
{
    // Reproducible outputs: SOURCE_DATE_EPOCH (reproducible-builds.org) fixes the time stamp.
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
        char* end = nullptr;
        const long long v = std::strtoll(epoch, &end, 10);
        if (end && *end == '\0' && end != epoch)
            return v;
    }
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool isFinished(const BatchManifest& manifest, std::uint64_t seed, const std::string& dir,
                const std::string& file)
{
    const BatchImage* entry = manifest.find(seed);
    if (!entry || entry->file != file || entry->sha256.empty())
        return false;
    auto bytes = readFileBytes(dir + "/" + file, 1ull << 30);
    return bytes && Sha256::hex(bytes->data(), bytes->size()) == entry->sha256;
}

Result<std::vector<std::uint64_t>> seedsFrom(const ArgParser& p, const Project& project)
{
    if (p.has("--seeds") && p.has("--count"))
        return Status::error("--seeds and --count exclude each other");
    if (p.has("--seeds"))
        return parseSeedList(p.get("--seeds"));
    auto count = p.getInt("--count", 1, 1, 100000);
    if (!count)
        return count.status();
    std::vector<std::uint64_t> seeds;
    for (int i = 0; i < count.value(); ++i)
        seeds.push_back(project.settings.seed + std::uint64_t(i)); // wraps past 2^64 - 1
    return seeds;
}

Status applyOverrides(const ArgParser& p, Project& project)
{
    auto steps = p.getInt("--steps", project.settings.steps, 1, kMaxSteps);
    if (!steps)
        return steps.status();
    auto cfg = p.getDouble("--cfg", project.settings.cfg, 0.0, 100.0);
    if (!cfg)
        return cfg.status();
    project.settings.steps = steps.value();
    project.settings.cfg = float(cfg.value());
    if (project.settings.bootstrapSteps > project.settings.steps)
        project.settings.bootstrapSteps = project.settings.steps;
    if (p.has("--sampler")) {
        const auto kind = samplerFromName(p.get("--sampler"));
        if (!kind)
            return Status::error("unknown sampler '" + p.get("--sampler") +
                                 "' (ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras)");
        project.settings.sampler = *kind;
    }
    return validate(project);
}

} // namespace

Status saveGeneratedProject(const std::string& path, const GenerateRequest& request,
                            const std::string& modelPath, const RgbImage& image)
{
    auto model = describeModel(modelPath);
    if (!model)
        return model.status();
    Project project = projectFromRequest(request, model.value());
    project.results.push_back(makeResult(project, image, request.seed));
    return saveProject(project, path);
}

int runBatch(const std::vector<std::string>& args)
{
    ArgParser p = makeParser();
    if (auto s = p.parse(args); !s)
        return fail(kCmd, s.message(), kExitUsage);
    if (p.helpRequested()) {
        std::printf("%s", p.usage().c_str());
        return kExitOk;
    }
    if (p.positionals().size() != 1)
        return fail(kCmd, "expected one project file (.mdsp or an exported PNG)", kExitUsage);
    const std::string source = p.positionals()[0];
    const bool quiet = p.has("--quiet");

    auto loaded = loadProject(source);
    if (!loaded)
        return fail(kCmd, loaded.error());
    Project project = std::move(loaded.value());
    project.results.clear();
    if (auto s = applyOverrides(p, project); !s)
        return fail(kCmd, s.message(), kExitUsage);
    auto seeds = seedsFrom(p, project);
    if (!seeds)
        return fail(kCmd, seeds.error(), kExitUsage);

    // The model: --model, else the project's (checked against its hash), else the default.
    if (!p.has("--model") && !project.model.path.empty()) {
        switch (checkModel(project.model)) {
        case ModelCheck::Missing:
            return fail(kCmd, "the project's model " + project.model.path +
                                  " is missing; pass --model PATH to point it elsewhere");
        case ModelCheck::Changed:
            if (!quiet)
                std::fprintf(stderr,
                             "warning: %s changed since the project was saved; "
                             "images may differ\n",
                             project.model.path.c_str());
            break;
        default:
            break;
        }
        std::vector<std::string> withModel = args;
        withModel.insert(withModel.end(), {"--model", project.model.path});
        p = makeParser();
        if (auto s = p.parse(withModel); !s)
            return fail(kCmd, s.message(), kExitUsage);
    }
    auto options = modelOptionsFrom(p);
    if (!options)
        return fail(kCmd, options.error(), kExitUsage);
    auto model = describeModel(options->path);
    if (!model)
        return fail(kCmd, model.error());
    project.model = model.value();

    const std::string outDir = p.get("--out", ".");
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec)
        return fail(kCmd, "cannot create the output folder " + outDir + ": " + ec.message());
    const std::string name = projectStem(source);
    const std::string manifestPath = outDir + "/manifest.json";

    BatchManifest manifest;
    const std::string config = batchConfigHash(project);
    if (fs::exists(manifestPath)) {
        auto old = readBatchManifest(manifestPath);
        if (!old && p.has("--resume"))
            return fail(kCmd, old.error());
        if (old && old->configHash == config)
            manifest = std::move(old.value());
        else if (old && p.has("--resume") && !quiet)
            std::fprintf(stderr,
                         "warning: %s was made with other settings; rendering every "
                         "seed again\n",
                         manifestPath.c_str());
    }
    manifest.project = source;
    manifest.projectName = name;
    manifest.configHash = config;
    manifest.width = project.width;
    manifest.height = project.height;
    manifest.model = project.model;
    manifest.settings = project.settings;

    std::vector<std::uint64_t> todo;
    int skipped = 0;
    for (std::uint64_t seed : seeds.value()) {
        const std::string file = name + "-" + std::to_string(seed) + ".png";
        if (p.has("--resume") && isFinished(manifest, seed, outDir, file))
            ++skipped;
        else
            todo.push_back(seed);
    }
    if (skipped > 0 && !quiet)
        std::fprintf(stderr, "resuming: %d of %zu images already finished\n", skipped,
                     seeds->size());
    if (todo.empty()) {
        if (!quiet)
            std::fprintf(stderr, "nothing to do: every image is finished (%s)\n",
                         manifestPath.c_str());
        return kExitOk;
    }

    Engine engine;
    if (auto s = loadEngine(engine, options.value(), p.has("--verbose")); !s)
        return fail(kCmd, s.message());

    // Ctrl+C sets the flag; the engine is not cancelled, so the current image completes.
    CancelOnInterrupt interrupt;
    BatchProgress progress(int(todo.size()), project.settings.steps, quiet);
    int rendered = 0;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        if (interrupt.flag()->load()) {
            progress.line("stopped after " + std::to_string(rendered) +
                          " images (Ctrl+C); run again with --resume to finish");
            return kExitCancelled;
        }
        const std::uint64_t seed = todo[i];
        const std::string file = name + "-" + std::to_string(seed) + ".png";
        progress.startImage(int(i), seed);
        GenerateCallbacks callbacks;
        callbacks.onProgress = [&progress](const Progress& pr) { progress.step(pr.step); };
        const auto start = Clock::now();
        auto image = engine.generate(toGenerateRequest(project, seed), callbacks);
        if (!image)
            return fail(kCmd, "seed " + std::to_string(seed) + ": " + image.error());
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

        ProjectResult result = makeResult(project, std::move(image.value()), seed);
        result.timestamp = resultTimestamp();
        auto png = encodeExportPng(project, result);
        if (!png)
            return fail(kCmd, png.error());
        const std::string path = outDir + "/" + file;
        if (auto s = writeFileAtomic(path, png.value()); !s)
            return fail(kCmd, s.message());
        manifest.record(
            {seed, file, Sha256::hex(png->data(), png->size()), seconds, result.timestamp});
        if (auto s = writeBatchManifest(manifestPath, manifest); !s)
            return fail(kCmd, s.message());
        ++rendered;
        progress.finishImage(path, seconds);
    }
    if (!quiet)
        std::fprintf(stderr, "done: %d rendered, %d skipped; %s\n", rendered, skipped,
                     manifestPath.c_str());
    return kExitOk;
}

} // namespace md::cli

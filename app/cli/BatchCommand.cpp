// mdstudio-cli batch P.mdsp [--seeds 1-16 | --seeds 3,7,9 | --count N] [--out DIR]
//     [--steps N] [--cfg S] [--sampler NAME] [--model PATH] [--resume] [--lora-dir DIR]...
// Each seed becomes DIR/<project>-<seed>.png (an export: A1111 parameters + the project).
// DIR/manifest.json lists what was made; --resume skips images it lists whose file is
// unchanged and whose settings match. The first Ctrl+C stops after the current image.
// The work is document/BatchRun; this file declares the options and prints.

#include "BatchProgress.h"
#include "CommandLine.h"
#include "OptionChecks.h"
#include "Signals.h"
#include "document/BatchRun.h"
#include "engine/Engine.h"

#include <cstdio>

namespace md::cli {

namespace {

struct BatchArgs
{
    std::string source;
    std::string seeds;
    int count = 1;
    std::string out = ".";
    int steps = 0;
    double cfg = 0;
    std::string sampler;
    bool resume = false;
    std::vector<std::string> loraDirs;

    void addTo(CommandLine& cl)
    {
        cl.positional("PROJECT", source, "the .mdsp project or an exported PNG");
        cl.text("--seeds", seeds, "LIST",
                "seeds to render: 1-16, 3,7,9 or a mix (default: the project's)");
        cl.integer("--count", count, 1, 100000, "N",
                   "render N seeds counting up from the project's seed");
        cl.text("--out", out, "DIR", "output folder (default: the current folder)");
        cl.integer("--steps", steps, 1, kMaxSteps, "N", "override the project's sampling steps");
        cl.number("--cfg", cfg, 0.0, 100.0, "S", "override the project's guidance scale");
        cl.sampler("--sampler", sampler,
                   "override the sampler (ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm)");
        cl.flag("--resume", resume, "skip images that manifest.json lists as finished");
        cl.checked(cl.repeatable("--lora-dir", loraDirs, "DIR",
                                 "where the prompts' <lora:NAME:W> tags find NAME.safetensors"),
                   checkFolder);
    }

    BatchOverrides overrides(const CommandLine& cl) const
    {
        BatchOverrides o;
        if (cl.given("--seeds"))
            o.seeds = seeds;
        if (cl.given("--count"))
            o.count = count;
        if (cl.given("--steps"))
            o.steps = steps;
        if (cl.given("--cfg"))
            o.cfg = cfg;
        if (cl.given("--sampler"))
            o.sampler = samplerFromName(sampler);
        return o;
    }
};

} // namespace

int runBatch(const std::vector<std::string>& args)
{
    CommandLine cl("batch", "Renders a saved project (.mdsp, or a PNG exported by MultiDiffusion "
                            "Studio) once per seed, into DIR/<project>-<seed>.png with metadata.");
    cl.addModelOptions();
    BatchArgs a;
    a.addTo(cl);
    cl.addOutputOptions();
    if (auto exit = cl.parse(args))
        return *exit;
    if (a.source.empty())
        return cl.usageError("expected one project file (.mdsp or an exported PNG)");
    const bool quiet = cl.quiet();

    BatchEvents events;
    events.warning = [quiet](const std::string& message) {
        if (!quiet)
            std::fprintf(stderr, "warning: %s\n", message.c_str());
    };
    auto run = BatchRun::open(a.source, events);
    if (!run)
        return cl.fail(run.error());
    if (auto s = run->configure(a.overrides(cl)); !s)
        return cl.usageError(s.message());
    // Every LoRA found (and hashed) before anything renders.
    if (auto s = run->useLoras(a.loraDirs); !s)
        return cl.fail(s.message());
    // The model: --model, else the project's (checked against its hash), else the default.
    std::string projectModel;
    if (!cl.given("--model")) {
        auto path = run->projectModelPath();
        if (!path)
            return cl.fail(path.error());
        projectModel = path.value();
    }
    auto options = cl.modelOptions(projectModel);
    if (!options)
        return cl.usageError(options.error());
    if (auto s = run->plan(options->path, a.out, a.resume); !s)
        return cl.fail(s.message());

    if (run->skipped() > 0 && !quiet)
        std::fprintf(stderr, "resuming: %zu of %zu images already finished\n", run->skipped(),
                     run->seeds().size());
    if (run->todo().empty()) {
        if (!quiet)
            std::fprintf(stderr, "nothing to do: every image is finished (%s)\n",
                         run->manifestPath().c_str());
        return kExitOk;
    }

    Engine engine;
    if (auto exit = cl.loadModel(engine, projectModel))
        return *exit;

    BatchProgress progress(int(run->todo().size()), run->project().settings.steps, quiet);
    // Ctrl+C sets the flag; the engine is not cancelled, so the current image completes.
    CancelOnInterrupt interrupt;
    auto render = [&engine](const GenerateRequest& request, const GenerateCallbacks& callbacks) {
        return engine.generate(request, callbacks);
    };
    run->events().imageStarted = [&progress](std::size_t index, std::uint64_t seed) {
        progress.startImage(int(index), seed);
    };
    run->events().step = [&progress](const Progress& p) { progress.step(p.step); };
    run->events().imageFinished = [&progress](const BatchImage& image, const std::string& path) {
        progress.finishImage(path, image.seconds);
    };
    const Status s = run->run(render, interrupt.flag());
    if (s.isCancelled()) {
        progress.line("stopped after " + std::to_string(run->rendered()) +
                      " images (Ctrl+C); run again with --resume to finish");
        return kExitCancelled;
    }
    if (!s)
        return cl.fail(s.message());
    if (!quiet)
        std::fprintf(stderr, "done: %zu rendered, %zu skipped; %s\n", run->rendered(),
                     run->skipped(), run->manifestPath().c_str());
    return kExitOk;
}

} // namespace md::cli

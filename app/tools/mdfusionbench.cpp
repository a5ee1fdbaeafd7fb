// mdfusionbench: seconds per image of Engine::generate() on two MultiDiffusion workloads, for
// the side-by-side GPU benchmark against diffusers (docs/benchmarks-gpu.md). Engine-only: it
// builds with libtorch alone (no Qt, no OpenCV), so it runs on the GPU machine.
//
//   mdfusionbench --model DIR [--device cuda] [--dtype float16] [--steps 20] [--size 1024]
//                 [--cases regions,pano] [--repeats 1] [--pano-repeats 1] [--warmup-steps 2]
//                 [--bootstrap 8] [--max-batch 0]
//                 [--lora none|global|regions --lora-dir DIR --lora-names a,b,c
//                  --lora-weight 1]
//
// "regions": a SIZE x SIZE canvas, the background prompt and 3 box regions (one view of the
// model's native size), the first --bootstrap steps bootstrapped. "pano": SIZE x 4 SIZE, the
// background prompt only (stride 8 latent pixels: 49 views for SDXL at 1024). Both guided
// (cfg 7.5, one negative prompt each), DDIM, previews off. Each case runs once with
// --warmup-steps steps (not timed), then --repeats times; each line gives the whole
// generate() (text encoding, bootstrap encoding, steps, decode) and its parts, read off the
// progress callbacks.
//
// LoRA per region (issue 14): --lora global puts <lora:NAME:W> (the first of --lora-names) in
// the background prompt, so it acts on every pass; --lora regions gives region i the i-th
// name (cycled), so each region's passes run with their own LoRA (one UNet call per set and
// batch). The files are NAME.safetensors in --lora-dir. The last line gives the process's
// peak resident memory (run one --lora mode per process to compare them).

#include "engine/Engine.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args
{
    std::string model;
    std::string device = "cuda";
    std::string dtype = "float16";
    std::string sampler = "ddim";
    int steps = 20;
    int size = 1024;
    int repeats = 1;
    int panoRepeats = 1;
    int warmupSteps = 2;
    int bootstrap = 8;
    int maxBatch = 0;
    std::vector<std::string> cases{"regions", "pano"};
    std::string lora = "none";
    std::string loraDir;
    std::vector<std::string> loraNames;
    float loraWeight = 1.0f;
};

std::string loraTag(const std::string& name, float weight)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", static_cast<double>(weight));
    return " <lora:" + name + ":" + buffer + ">";
}

// Peak resident memory of this process in MiB (Linux: ru_maxrss is in KiB).
double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double since(Clock::time_point t0, Clock::time_point t1)
{
    return std::chrono::duration<double>(t1 - t0).count();
}

md::GenerateRequest request(const std::string& name, const Args& a, md::SamplerKind sampler)
{
    md::GenerateRequest r;
    r.prompt = "a wide landscape with mountains, a lake and a forest, golden hour";
    r.negative = "blurry, low quality";
    r.cfg = 7.5f;
    r.seed = 7;
    r.sampler = sampler;
    r.steps = a.steps;
    r.cheapPreview = false;
    r.fullDecodeEvery = 0;
    r.maxBatch = a.maxBatch;
    r.width = a.size;
    r.height = a.size;
    if (!a.loraDir.empty())
        r.loraDirs = {a.loraDir};
    if (a.lora == "global")
        r.prompt += loraTag(a.loraNames.front(), a.loraWeight);
    if (name == "pano") {
        r.width = 4 * a.size;
        return r;
    }
    // Three boxes side by side in the lower two thirds (MultiDiffusion's region figure).
    const char* prompts[] = {"a red house", "a white boat on the water", "a tall green tree"};
    const int w = a.size / 3;
    for (int i = 0; i < 3; ++i) {
        md::Region region;
        region.prompt = prompts[i];
        if (a.lora == "regions")
            region.prompt +=
                loraTag(a.loraNames[static_cast<size_t>(i) % a.loraNames.size()], a.loraWeight);
        region.negative = "blurry, low quality";
        region.box = md::Box{i * w + a.size / 32, a.size / 3, w - a.size / 16, a.size / 2};
        r.regions.push_back(region);
    }
    r.bootstrapSteps = std::min(a.bootstrap, a.steps);
    return r;
}

// One generate(): whole seconds, and the parts before the first UNet batch (text and
// bootstrap encoding), during the steps, and after the last step (decode).
struct Run
{
    double total = 0;
    double setup = 0;
    double steps = 0;
    double decode = 0;
};

md::Result<Run> runOnce(md::Engine& engine, const md::GenerateRequest& r)
{
    const auto t0 = Clock::now();
    Clock::time_point first{}, last{};
    int calls = 0; // progress callbacks: one per UNet batch (fused) or step
    md::GenerateCallbacks cb;
    cb.onProgress = [&](const md::Progress&) {
        last = Clock::now();
        if (calls++ == 0)
            first = last;
    };
    auto image = engine.generate(r, cb);
    const auto t1 = Clock::now();
    if (!image)
        return image.status();
    Run run;
    run.total = since(t0, t1);
    if (calls > 1) {
        // The first callback comes after the first batch: take it out of the set-up at the
        // mean batch time.
        const double batch = since(first, last) / (calls - 1);
        run.steps = batch * calls;
        run.setup = since(t0, first) - batch;
        run.decode = since(last, t1);
    }
    return run;
}

int fail(const md::Status& s)
{
    std::cerr << "mdfusionbench: " << s.message() << "\n";
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app("mdfusionbench: seconds per image of MultiDiffusion workloads (GPU benchmark).",
                 "mdfusionbench");
    Args a;
    app.add_option("--model", a.model, "a diffusers folder or single file")->required();
    app.add_option("--device", a.device, "cpu, cuda or auto")->capture_default_str();
    app.add_option("--dtype", a.dtype, "float32, float16, bfloat16 or auto")->capture_default_str();
    app.add_option("--sampler", a.sampler, "ddim, euler, dpmpp_2m_karras, ...")
        ->capture_default_str();
    app.add_option("--steps", a.steps, "steps per image")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app.add_option("--size", a.size, "canvas height (and regions width) in pixels")
        ->capture_default_str()
        ->check(CLI::Range(64, 4096));
    app.add_option("--cases", a.cases, "regions, pano")->delimiter(',')->capture_default_str();
    app.add_option("--repeats", a.repeats, "timed images of the regions case")
        ->capture_default_str();
    app.add_option("--pano-repeats", a.panoRepeats, "timed images of the panorama")
        ->capture_default_str();
    app.add_option("--warmup-steps", a.warmupSteps, "steps of the untimed first image")
        ->capture_default_str();
    app.add_option("--bootstrap", a.bootstrap, "bootstrapping steps of the regions case")
        ->capture_default_str();
    app.add_option("--max-batch", a.maxBatch, "UNet samples per call (0: the engine's choice)")
        ->capture_default_str();
    app.add_option("--lora", a.lora, "none, global (the background's) or regions (one per region)")
        ->capture_default_str()
        ->check(CLI::IsMember({"none", "global", "regions"}));
    app.add_option("--lora-dir", a.loraDir, "the folder of the LoRA files");
    app.add_option("--lora-names", a.loraNames, "LoRA names (NAME.safetensors in --lora-dir)")
        ->delimiter(',');
    app.add_option("--lora-weight", a.loraWeight, "the weight of every LoRA tag")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (a.lora != "none" && (a.loraDir.empty() || a.loraNames.empty()))
        return fail(md::Status::error("--lora " + a.lora + " needs --lora-dir and --lora-names"));
    const auto sampler = md::samplerFromName(a.sampler);
    if (!sampler)
        return fail(md::Status::error("unknown sampler " + a.sampler));

    md::Engine engine;
    md::ModelOptions options;
    options.path = a.model;
    options.device = a.device;
    options.dtype = a.dtype;
    const auto l0 = Clock::now();
    md::Status loaded = engine.load(options);
    if (!loaded)
        return fail(loaded);
    const md::ModelInfo info = engine.info();
    std::printf("loaded %s in %.1f s: %s, %s on %s, unet %.3f B params, vae %s\n", a.model.c_str(),
                since(l0, Clock::now()), info.family.c_str(), info.dtype.c_str(),
                info.device.c_str(), info.unetParameters / 1e9, info.vae.c_str());

    for (const auto& name : a.cases) {
        if (name != "regions" && name != "pano")
            return fail(md::Status::error("unknown case " + name + " (regions, pano)"));
        md::GenerateRequest r = request(name, a, *sampler);
        auto plan = engine.plan(r);
        if (!plan)
            return fail(plan.status());
        std::printf("%s: %dx%d, %d views x %d prompts, %d UNet samples/step in %d calls "
                    "(batch limit %d: %s), %d LoRA sets (--lora %s), tiled decode %s\n",
                    name.c_str(), r.width, r.height, plan->views, plan->prompts,
                    plan->unetSamplesPerStep, plan->unetBatchesPerStep, plan->batchLimit,
                    plan->batchReason.c_str(), plan->loraSets, a.lora.c_str(),
                    plan->tiledDecode ? "yes" : "no");
        md::GenerateRequest warm = r;
        warm.steps = std::max(1, a.warmupSteps);
        warm.bootstrapSteps = std::min(warm.bootstrapSteps, warm.steps);
        auto w = runOnce(engine, warm);
        if (!w)
            return fail(w.status());
        std::printf("  warm-up (%d steps): %.2f s\n", warm.steps, w->total);
        for (int i = 0; i < std::max(1, name == "pano" ? a.panoRepeats : a.repeats); ++i) {
            auto run = runOnce(engine, r);
            if (!run)
                return fail(run.status());
            std::printf("  RESULT ours %s %d steps: %.2f s/image (before the steps %.2f s, "
                        "steps %.2f s = %.3f s/step, after the steps %.2f s)\n",
                        name.c_str(), a.steps, run->total, run->setup, run->steps,
                        run->steps / a.steps, run->decode);
            std::fflush(stdout);
        }
    }
    std::printf("peak RSS %.0f MiB\n", peakRssMiB());
    return 0;
}

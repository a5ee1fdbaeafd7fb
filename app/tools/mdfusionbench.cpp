// mdfusionbench: seconds per image of Engine::generate() on MultiDiffusion workloads, for the
// side-by-side GPU benchmarks against diffusers (docs/performance.md for SD 1.5 sizes,
// docs/benchmarks-gpu.md for SDXL). Engine-only: it builds with libtorch alone (no Qt, no
// OpenCV), so it runs on the GPU machine.
//
//   mdfusionbench --model DIR [--device cuda] [--dtype float16] [--steps 20] [--size 1024]
//                 [--cases regions,pano] [--repeats 1] [--pano-repeats 1] [--warmup-steps 2]
//                 [--bootstrap 8] [--max-batch 0] [--cfg X] [--variant NAME] [--fast-decode]
//                 [--trace FILE] [--no-cuda-graphs]
//                 [--lora none|global|regions --lora-dir DIR --lora-names a,b,c
//                  --lora-weight 1]
//
// Cases (S = --size; SD 1.5 at S = 512 gives issue 13's cases a-d):
//   txt2img   S x S, the background prompt alone (one guided UNet path)                 (a)
//   regions   S x S, the background prompt and 3 box regions, bootstrapped              (b)
//   pano      S x 4 S, the background prompt only (stride 8 latent pixels)              (c)
//   regions6  2 S x 2 S, the background prompt and 6 box regions, bootstrapped          (d)
//   live      S x S, the regions case as live mode runs it: LCM, cfg 1 (no unconditional
//             pass), no bootstrapping (issue 15: --steps 4 --size 512 on SD 1.5 sizes)
// All but live guided (cfg 7.5 or --cfg, one negative prompt each), DDIM (--sampler), previews
// off. --variant loads a diffusers folder's weight variant (e.g. lcm). Each case runs once
// with --warmup-steps steps (not timed), then --repeats times (pano: --pano-repeats); each
// line gives the whole generate() (text encoding, bootstrap encoding, steps, decode, the copy
// to the host) and its parts, read off the progress callbacks, then the median and the peak
// GPU memory of the case (the caching allocator's peak of allocated bytes, like PyTorch's
// torch.cuda.max_memory_allocated, where this build links c10_cuda).
// LoRA per region (BenchLoras.h): --lora global tags the background prompt with the first of
// --lora-names, --lora regions tags each region with its own; the last line gives the
// process's peak resident memory (run one --lora mode per process to compare them).

#include "BenchCases.h"
#include "BenchLoras.h"
#include "CudaMemory.h"
#include "engine/Engine.h"
#include "training/KinetoTrace.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0, Clock::time_point t1)
{
    return std::chrono::duration<double>(t1 - t0).count();
}

// One generate(): whole seconds, and the parts before the first UNet batch (text and
// bootstrap encoding), during the steps, and after the last step (decode).
struct Run
{
    double total = 0;
    double setup = 0;
    double steps = 0;
    double decode = 0;
    double stepsCpu = 0; // process CPU seconds (all threads) of the steps, same estimate
};

double cpuSeconds()
{
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

md::Result<Run> runOnce(md::Engine& engine, const md::GenerateRequest& r)
{
    const auto t0 = Clock::now();
    Clock::time_point first{}, last{};
    double firstCpu = 0, lastCpu = 0;
    int calls = 0; // progress callbacks: one per UNet batch (fused) or step
    md::GenerateCallbacks cb;
    cb.onProgress = [&](const md::Progress&) {
        last = Clock::now();
        lastCpu = cpuSeconds();
        if (calls++ == 0) {
            first = last;
            firstCpu = lastCpu;
        }
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
        run.stepsCpu = (lastCpu - firstCpu) / (calls - 1) * calls;
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

md::Status runCase(md::Engine& engine, const std::string& name, const md::bench::CaseOptions& a,
                   const md::bench::LoraOptions& loras, int repeats, const std::string& trace)
{
    auto made = md::bench::makeCase(name, a);
    if (!made)
        return made.status();
    if (md::Status tagged = md::bench::addLoras(made.value(), loras); !tagged)
        return tagged;
    const md::GenerateRequest& r = made.value();
    auto plan = engine.plan(r);
    if (!plan)
        return plan.status();
    std::printf("%s: %dx%d, %d views x %d prompts, %d UNet samples/step in %d calls "
                "(batch limit %d: %s), %d LoRA sets (--lora %s), tiled decode %s\n",
                name.c_str(), r.width, r.height, plan->views, plan->prompts,
                plan->unetSamplesPerStep, plan->unetBatchesPerStep, plan->batchLimit,
                plan->batchReason.c_str(), plan->loraSets, loras.mode.c_str(),
                plan->tiledDecode ? "yes" : "no");
    md::GenerateRequest warm = r;
    warm.steps = std::max(1, a.warmupSteps);
    warm.bootstrapSteps = std::min(warm.bootstrapSteps, warm.steps);
    auto w = runOnce(engine, warm);
    if (!w)
        return w.status();
    std::printf("  warm-up (%d steps): %.2f s\n", warm.steps, w->total);
    md::bench::cudaPeakGiB(true);
    std::vector<double> totals;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        auto run = runOnce(engine, r);
        if (!run)
            return run.status();
        totals.push_back(run->total);
        std::printf("  RESULT ours %s %d steps: %.3f s/image (before the steps %.3f s, "
                    "steps %.3f s = %.4f s/step (CPU %.4f s/step), after the steps %.3f s)\n",
                    name.c_str(), a.steps, run->total, run->setup, run->steps, run->steps / a.steps,
                    run->stepsCpu / a.steps, run->decode);
        std::fflush(stdout);
    }
    std::sort(totals.begin(), totals.end());
    const double peak = md::bench::cudaPeakGiB(true);
    if (!trace.empty()) {
        // One more image under the profiler (its time is not counted).
        md::Status failed = md::Status::ok();
        md::Status traced = md::traceToFile(
            [&] {
                if (auto run = runOnce(engine, r); !run)
                    failed = run.status();
            },
            trace, engine.info().device.find("cuda") != std::string::npos);
        if (!traced)
            return traced;
        if (!failed)
            return failed;
        std::printf("  traced one more image into %s\n", trace.c_str());
    }
    std::printf("  MEDIAN ours %s %.3f s/image over %zu, peak GPU memory %.2f GiB\n", name.c_str(),
                totals[totals.size() / 2], totals.size(), peak);
    std::fflush(stdout);
    return md::Status::ok();
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app("mdfusionbench: seconds per image of MultiDiffusion workloads (GPU benchmark).",
                 "mdfusionbench");
    std::string model, device = "cuda", dtype = "float16";
    std::vector<std::string> cases{"regions", "pano"};
    int repeats = 1, panoRepeats = 1;
    md::bench::CaseOptions a;
    std::string sampler = "ddim";
    std::string trace;
    app.add_option("--model", model, "a diffusers folder or single file")->required();
    app.add_option("--device", device, "cpu, cuda or auto")->capture_default_str();
    app.add_option("--dtype", dtype, "float32, float16, bfloat16 or auto")->capture_default_str();
    app.add_option("--sampler", sampler, "ddim, euler, dpmpp_2m_karras, ...")
        ->capture_default_str();
    app.add_option("--steps", a.steps, "steps per image")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app.add_option("--size", a.size, "S: the canvas side of txt2img and regions (see above)")
        ->capture_default_str()
        ->check(CLI::Range(64, 4096));
    app.add_option("--cases", cases, "txt2img, regions, pano, regions6, live")
        ->delimiter(',')
        ->capture_default_str();
    app.add_option("--repeats", repeats, "timed images of each case but the panorama")
        ->capture_default_str();
    app.add_option("--pano-repeats", panoRepeats, "timed images of the panorama")
        ->capture_default_str();
    app.add_option("--warmup-steps", a.warmupSteps, "steps of the untimed first image")
        ->capture_default_str();
    app.add_option("--bootstrap", a.bootstrap, "bootstrapping steps of the region cases")
        ->capture_default_str();
    app.add_option("--max-batch", a.maxBatch, "UNet samples per call (0: the engine's choice)")
        ->capture_default_str();
    float cfg = 0;
    app.add_option("--cfg", cfg, "the cfg of every case (default: 7.5; live: 1)")
        ->check(CLI::Range(0.0, 100.0));
    app.add_flag("--fast-decode", a.fastDecode,
                 "decode with the tiny decoder (TAESD beside the model) where one is loaded");
    bool noCudaGraphs = false;
    app.add_flag("--no-cuda-graphs", noCudaGraphs,
                 "plain UNet calls (default: small batches replay CUDA graphs on a GPU)");
    std::string variant;
    app.add_option("--variant", variant, "the model folder's weight variant (e.g. lcm)");
    app.add_option("--trace", trace,
                   "profile one more image of the first case into this Chrome trace");
    md::bench::LoraOptions loras;
    app.add_option("--lora", loras.mode, "none, global (the background's) or regions (one each)")
        ->capture_default_str();
    app.add_option("--lora-dir", loras.dir, "the folder of the LoRA files");
    app.add_option("--lora-names", loras.names, "LoRA names (NAME.safetensors in --lora-dir)")
        ->delimiter(',');
    app.add_option("--lora-weight", loras.weight, "the weight of every LoRA tag")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    const auto kind = md::samplerFromName(sampler);
    if (!kind)
        return fail(md::Status::error("unknown sampler " + sampler));
    a.sampler = *kind;
    if (app.count("--cfg") > 0)
        a.cfg = cfg;

    md::Engine engine;
    md::ModelOptions options;
    options.path = model;
    options.device = device;
    options.dtype = dtype;
    options.variant = variant;
    options.cudaGraphs = !noCudaGraphs;
    const auto l0 = Clock::now();
    md::Status loaded = engine.load(options);
    if (!loaded)
        return fail(loaded);
    const md::ModelInfo info = engine.info();
    std::printf("loaded %s (variant %s) in %.3f s: %s, %s on %s, unet %.3f B params, vae %s\n",
                model.c_str(), variant.empty() ? "none" : variant.c_str(), since(l0, Clock::now()),
                info.family.c_str(), info.dtype.c_str(), info.device.c_str(),
                info.unetParameters / 1e9, info.vae.c_str());
    std::printf("tiny decoder: %s%s\n",
                info.previewDecoder.empty() ? "none" : info.previewDecoder.c_str(),
                a.fastDecode ? " (--fast-decode: final images through it)" : "");
    std::printf("peak GPU memory after loading %.2f GiB\n", md::bench::cudaPeakGiB(true));
    for (const auto& name : cases) {
        md::Status s = runCase(engine, name, a, loras, name == "pano" ? panoRepeats : repeats,
                               name == cases.front() ? trace : std::string());
        if (!s)
            return fail(s);
        std::printf("CUDA graphs: %s\n", engine.info().cudaGraphs.c_str());
    }
    std::printf("peak RSS %.0f MiB\n", md::bench::peakRssMiB());
    return 0;
}

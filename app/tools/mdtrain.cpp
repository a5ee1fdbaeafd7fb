// mdtrain: makes the embedded default model. Argument parsing only (CLI11); the work is in
// core/training/.
//
//   mdtrain corpus   --count N [--seed S] --out FILE      captions for spm_train
//   mdtrain scenes   [--size 256] [--count 32] [--first 0] [--seed S] --out grid.png
//   mdtrain bench    [--models mds-tiny,cand-a,sd15,sdxl] [--device cpu] [--prompts 4]
//                    [--steps 20] [--repeats 3]
//   mdtrain train    --tokenizer spiece.model --state DIR --export DIR [options]
//   mdtrain assemble --from EXPORT_DIR --tokenizer spiece.model --out MODEL_DIR
//   mdtrain lora     --model MODEL_DIR --out NAME.safetensors [--trigger pvx] [--rank 4]
//                    [--steps 300] [options]          a LoRA of one new concept (kohya file)
//   mdtrain distil   --model MODEL_DIR --out DIR [--steps 2000] [--batch 64] [--lr 1e-4]
//                    [--guidance 7.5] [--max-seconds S] [options]
//                                                     the few-step (LCM) variant of the UNet

#include "training/DistillRun.h"
#include "training/EmbeddedModelSpec.h"
#include "training/EmbeddedTrainer.h"
#include "training/LoraTrainer.h"
#include "training/ModelAssembler.h"
#include "training/ModelBenchmark.h"
#include "training/PngWriter.h"
#include "training/SceneGenerator.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

int fail(const md::Status& s)
{
    std::cerr << "mdtrain: " << s.message() << "\n";
    return 1;
}

struct CorpusArgs
{
    uint64_t count = 200000;
    uint64_t seed = 1;
    std::string out;
};

int corpus(const CorpusArgs& a)
{
    md::SceneGenerator gen(8, a.seed);
    std::ofstream f(a.out);
    for (const auto& c : gen.captions(0, a.count))
        f << c << "\n";
    if (!f)
        return fail(md::Status::error("cannot write " + a.out));
    return 0;
}

struct ScenesArgs
{
    int size = 256;
    int count = 32;
    uint64_t first = 0;
    uint64_t seed = 1;
    int columns = 8;
    std::string out;
};

int scenes(const ScenesArgs& a)
{
    md::SceneGenerator gen(a.size, a.seed);
    md::SceneBatch b = gen.batch(a.first, a.count);
    for (int i = 0; i < a.count; ++i)
        std::cout << i << "\t" << b.captions[size_t(i)] << "\n";
    md::Status s = md::PngWriter::write(a.out, md::PngWriter::grid(b.images, a.columns, true));
    return s ? 0 : fail(s);
}

struct BenchArgs
{
    std::vector<std::string> models{"mds-tiny"};
    std::string device = "cpu";
    std::string dtype = "float32";
    int prompts = 4;
    int steps = 20;
    int repeats = 3;
    int threads = 0;
    std::string trace;
};

int bench(const BenchArgs& a)
{
    if (a.threads > 0)
        torch::set_num_threads(a.threads);
    const torch::Device device(a.device);
    const torch::Dtype dtype = a.dtype == "float16"    ? torch::kFloat16
                               : a.dtype == "bfloat16" ? torch::kBFloat16
                                                       : torch::kFloat32;
    for (const auto& name : a.models) {
        auto spec = md::EmbeddedModelSpec::preset(name);
        if (!spec)
            return fail(spec.status());
        auto r = md::ModelBenchmark::run(*spec, device, a.prompts, a.repeats, dtype, a.trace);
        if (!r)
            return fail(r.status());
        constexpr double GiB = 1024.0 * 1024.0 * 1024.0;
        std::cout << name << " device " << r->device << " " << a.dtype << " params unet "
                  << r->unetParameters << " vae " << r->vaeParameters << " text "
                  << r->textParameters;
        if (r->text2Parameters > 0)
            std::cout << " + " << r->text2Parameters;
        std::cout << " | unet batch " << r->unetBatch << "x" << r->latentSize
                  << "^2: " << r->unetSeconds << " s (cpu " << r->unetCpuSeconds
                  << " s) | vae decode " << r->vaeSeconds << " s (cpu " << r->vaeCpuSeconds
                  << " s) | text " << r->textSeconds << " s (cpu " << r->textCpuSeconds << " s";
        if (r->text2Parameters > 0)
            std::cout << "; encoder 2: " << r->text2Seconds << " s";
        std::cout << ") | " << a.steps << " steps: " << r->generationSeconds(a.steps) << " s";
        if (r->unetPeakRss > 0)
            std::cout << " | peak RSS text " << r->textPeakRss / GiB << " GiB, unet "
                      << r->unetPeakRss / GiB << " GiB, vae " << r->vaePeakRss / GiB << " GiB";
        std::cout << std::endl;
    }
    return 0;
}

void addTrainOptions(CLI::App& c, md::TrainOptions& o, int& threads)
{
    c.add_option("--tokenizer", o.tokenizer, "sentencepiece .model")->required();
    c.add_option("--state", o.stateDir, "resumable full-precision state folder");
    c.add_option("--export", o.exportDir, "fp16 weights, summary, log and samples, on exit");
    c.add_option("--resume-from", o.resumeFrom, "an earlier export folder to resume from");
    c.add_option("--model", o.model, "an embedded model preset")->capture_default_str();
    c.add_option("--seed", o.seed, "random seed")->capture_default_str();
    c.add_option("--device", o.device, "cpu, cuda or auto")->capture_default_str();
    c.add_option("--image-size", o.imageSize, "training image size (0: native)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c.add_option("--vae-steps", o.vaeSteps, "stage A steps")->capture_default_str();
    c.add_option("--vae-batch", o.vaeBatch, "stage A batch")->capture_default_str();
    c.add_option("--vae-crop", o.vaeCrop, "stage A crop (0: whole images)")->capture_default_str();
    c.add_option("--vae-lr", o.vaeLr, "stage A learning rate")->capture_default_str();
    c.add_option("--diffusion-steps", o.diffusionSteps, "stage B steps")->capture_default_str();
    c.add_option("--diffusion-batch", o.diffusionBatch, "stage B batch")->capture_default_str();
    c.add_option("--diffusion-lr", o.diffusionLr, "stage B learning rate")->capture_default_str();
    c.add_option("--warmup", o.warmupSteps, "stage B warm-up steps")->capture_default_str();
    c.add_option("--pool", o.poolSize, "latents kept for batches")->capture_default_str();
    c.add_option("--pool-refresh", o.poolRefresh, "new latents per step")->capture_default_str();
    c.add_option("--ema", o.emaDecay, "EMA decay (0: none)")->capture_default_str();
    c.add_option("--noise-offset", o.noiseOffset, "noise offset")->capture_default_str();
    c.add_option("--min-snr", o.minSnrGamma, "min-SNR gamma (0: plain MSE)")->capture_default_str();
    c.add_option("--caption-dropout", o.captionDropout, "share of empty captions")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    c.add_option("--partial-captions", o.partialCaptions, "share of partial captions")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    c.add_option("--max-seconds", o.maxSeconds, "stop after this long (0: no limit)")
        ->capture_default_str();
    c.add_option("--checkpoint-seconds", o.checkpointSeconds, "full state every S seconds")
        ->capture_default_str();
    c.add_option("--log-every", o.logEvery, "log every N steps")->capture_default_str();
    c.add_option("--sample-every", o.sampleEvery, "sample grid every N steps (0: at the end)")
        ->capture_default_str();
    c.add_option("--threads", threads, "CPU threads (default: libtorch's)");
}

int train(md::TrainOptions o, int threads, const std::string& command)
{
    if (threads > 0)
        torch::set_num_threads(threads);
    o.command = command;
    md::EmbeddedTrainer trainer(o, [](const std::string& line) { std::cout << line << std::endl; });
    md::Status s = trainer.run();
    if (!s)
        return fail(s);
    std::cout << (trainer.finished() ? "training finished" : "training paused (resume later)")
              << std::endl;
    return 0;
}

void addLoraOptions(CLI::App& c, md::LoraTrainOptions& o, int& threads)
{
    c.add_option("--model", o.model,
                 "the base model's diffusers folder (resources/models/mds-tiny)")
        ->required();
    c.add_option("--out", o.out, "the kohya .safetensors file to write")->required();
    c.add_option("--name", o.name, "ss_output_name")->capture_default_str();
    c.add_option("--trigger", o.data.trigger, "the caption word of the concept")
        ->capture_default_str();
    c.add_option("--regular-share", o.data.regularShare, "share of ordinary scenes")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    c.add_option("--stripe-period", o.data.style.periodPixels, "stripe period in pixels")
        ->capture_default_str()
        ->check(CLI::Range(4.0, 512.0));
    c.add_option("--stripe-angle", o.data.style.angleDegrees, "stripe direction in degrees")
        ->capture_default_str();
    c.add_option("--rank", o.rank, "adapter rank")
        ->capture_default_str()
        ->check(CLI::Range(1, 128));
    c.add_option("--alpha", o.alpha, "kohya alpha (scale alpha / rank)")->capture_default_str();
    c.add_flag("--conv", o.targets.convolutions, "also adapt the resnet convolutions (LoCon)");
    c.add_flag("--proj", o.targets.projections, "also adapt proj_in / proj_out");
    c.add_flag("--text-encoder", o.textEncoder, "also adapt the text encoder's attention");
    c.add_option("--steps", o.steps, "optimiser steps")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000000));
    c.add_option("--batch", o.batch, "batch size")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    c.add_option("--lr", o.lr, "AdamW learning rate")->capture_default_str();
    c.add_option("--warmup", o.warmupSteps, "linear warm-up steps")->capture_default_str();
    c.add_option("--image-size", o.imageSize, "training image side")
        ->capture_default_str()
        ->check(CLI::Range(16, 1024));
    c.add_option("--samples", o.samples, "rendered samples (encoded once)")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    c.add_option("--min-snr", o.minSnrGamma, "min-SNR gamma (0: plain MSE)")->capture_default_str();
    c.add_option("--noise-offset", o.noiseOffset, "noise offset")->capture_default_str();
    c.add_option("--seed", o.seed, "random seed")->capture_default_str();
    c.add_option("--log-every", o.logEvery, "log every N steps")->capture_default_str();
    c.add_option("--preview", o.preview, "a PNG of samples with and without the LoRA");
    c.add_option("--preview-size", o.previewSize, "preview image side")
        ->capture_default_str()
        ->check(CLI::Range(64, 1024));
    c.add_option("--threads", threads, "CPU threads (default: libtorch's)");
}

int lora(const md::LoraTrainOptions& o, int threads)
{
    if (threads > 0)
        torch::set_num_threads(threads);
    md::LoraTrainer trainer(o, [](const std::string& line) { std::cout << line << std::endl; });
    md::Status s = trainer.run();
    return s ? 0 : fail(s);
}

void addDistilOptions(CLI::App& c, md::ConsistencyDistillOptions& o, int& threads)
{
    c.add_option("--model", o.model, "the teacher's diffusers folder (resources/models/mds-tiny)")
        ->required();
    c.add_option("--out", o.out, "the output folder (unet/diffusion_pytorch_model.lcm.safetensors)")
        ->required();
    c.add_option("--device", o.device, "cpu, cuda or auto")->capture_default_str();
    c.add_option("--seed", o.seed, "random seed")->capture_default_str();
    c.add_option("--steps", o.steps, "optimiser steps")
        ->capture_default_str()
        ->check(CLI::Range(0, 10000000));
    c.add_option("--batch", o.batch, "latents per step")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    c.add_option("--lr", o.lr, "AdamW learning rate (constant after warm-up)")
        ->capture_default_str();
    c.add_option("--warmup", o.warmupSteps, "linear warm-up steps")->capture_default_str();
    c.add_option("--weight-decay", o.weightDecay, "AdamW weight decay")->capture_default_str();
    c.add_option("--guidance", o.guidance, "CFG scale of the teacher, baked into the student")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 30.0));
    c.add_option("--ema", o.emaDecay, "EMA decay of the target network")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.99999));
    c.add_option("--huber-c", o.huberC, "pseudo-Huber c (0: MSE)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c.add_option("--schedule-points", o.schedulePoints, "points of the DDIM skipping schedule")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    c.add_option("--image-size", o.imageSize, "training image side (0: native)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c.add_option("--pool", o.poolSize, "latents kept for batches")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    c.add_option("--pool-refresh", o.poolRefresh, "new latents per step")
        ->capture_default_str()
        ->check(CLI::Range(0, 4096));
    c.add_option("--partial-captions", o.partialCaptions, "share of partial captions")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    c.add_option("--noise-offset", o.noiseOffset, "noise offset of the starting points")
        ->capture_default_str();
    c.add_option("--max-seconds", o.maxSeconds, "stop training after this long, then export")
        ->capture_default_str();
    c.add_option("--log-every", o.logEvery, "log every N steps")->capture_default_str();
    c.add_option("--preview-steps", o.previewSteps, "LCM steps of the preview (0: none)")
        ->capture_default_str()
        ->check(CLI::Range(0, 50));
    c.add_option("--preview-teacher-steps", o.previewTeacherSteps,
                 "DDIM steps of the teacher's preview row (0: none)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000));
    c.add_option("--preview-size", o.previewSize, "preview image side (0: native)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c.add_option("--threads", threads, "CPU threads (default: libtorch's)");
}

int distil(md::ConsistencyDistillOptions o, int threads, const std::string& command)
{
    if (threads > 0)
        torch::set_num_threads(threads);
    o.command = command;
    md::Status s =
        md::DistillRun::run(o, [](const std::string& line) { std::cout << line << std::endl; });
    return s ? 0 : fail(s);
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app("mdtrain: makes the embedded default model (see docs/embedded-model.md).",
                 "mdtrain");
    app.require_subcommand(1);
    app.get_formatter()->column_width(30);

    CorpusArgs corpusArgs;
    CLI::App* c = app.add_subcommand("corpus", "captions for spm_train, one a line");
    c->add_option("--count", corpusArgs.count, "captions")->capture_default_str();
    c->add_option("--seed", corpusArgs.seed, "random seed")->capture_default_str();
    c->add_option("--out", corpusArgs.out, "the text file to write")->required();

    ScenesArgs scenesArgs;
    CLI::App* s = app.add_subcommand("scenes", "a grid of training scenes and their captions");
    s->add_option("--size", scenesArgs.size, "image side")
        ->capture_default_str()
        ->check(CLI::Range(8, 4096));
    s->add_option("--count", scenesArgs.count, "scenes")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    s->add_option("--first", scenesArgs.first, "index of the first scene")->capture_default_str();
    s->add_option("--seed", scenesArgs.seed, "random seed")->capture_default_str();
    s->add_option("--columns", scenesArgs.columns, "grid columns")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    s->add_option("--out", scenesArgs.out, "the grid PNG to write")->required();

    BenchArgs benchArgs;
    CLI::App* b = app.add_subcommand(
        "bench", "sizes, speeds and memory of the model presets (random weights)");
    b->add_option("--models", benchArgs.models, "presets, comma-separated")
        ->delimiter(',')
        ->capture_default_str();
    b->add_option("--device", benchArgs.device, "cpu or cuda")->capture_default_str();
    b->add_option("--dtype", benchArgs.dtype, "float32, float16 or bfloat16")
        ->capture_default_str()
        ->check(CLI::IsMember({"float32", "float16", "bfloat16"}));
    b->add_option("--prompts", benchArgs.prompts, "prompts per batch")->capture_default_str();
    b->add_option("--steps", benchArgs.steps, "steps of the estimated image")
        ->capture_default_str();
    b->add_option("--repeats", benchArgs.repeats, "timed repeats")->capture_default_str();
    b->add_option("--threads", benchArgs.threads, "CPU threads (default: libtorch's)");
    b->add_option("--trace", benchArgs.trace,
                  "profile one more UNet call into this Chrome trace (one model)");

    md::TrainOptions trainOptions;
    int trainThreads = 0;
    CLI::App* t = app.add_subcommand("train", "trains (or resumes) the embedded model");
    addTrainOptions(*t, trainOptions, trainThreads);

    std::string from, tokenizer, out;
    CLI::App* a = app.add_subcommand("assemble", "a model folder from an export");
    a->add_option("--from", from, "the trainer's export folder")->required();
    a->add_option("--tokenizer", tokenizer, "sentencepiece .model")->required();
    a->add_option("--out", out, "the model folder to write")->required();

    md::LoraTrainOptions loraOptions;
    int loraThreads = 0;
    CLI::App* l = app.add_subcommand(
        "lora", "trains a LoRA of one new concept (striped pattern) on a frozen embedded model");
    addLoraOptions(*l, loraOptions, loraThreads);

    md::ConsistencyDistillOptions distilOptions;
    int distilThreads = 0;
    CLI::App* d = app.add_subcommand(
        "distil", "distils the embedded model into its few-step (LCM) UNet variant");
    addDistilOptions(*d, distilOptions, distilThreads);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError& e) {
        // The help of the command the error concerns, or the overview.
        std::cerr << "mdtrain: " << e.what() << " (see mdtrain --help, mdtrain COMMAND --help)\n";
        return 2;
    }
    std::string command;
    for (int i = 0; i < argc; ++i)
        command += (i ? " " : "") + std::string(argv[i]);
    try {
        if (c->parsed())
            return corpus(corpusArgs);
        if (s->parsed())
            return scenes(scenesArgs);
        if (b->parsed())
            return bench(benchArgs);
        if (t->parsed())
            return train(trainOptions, trainThreads, command);
        if (l->parsed())
            return lora(loraOptions, loraThreads);
        if (d->parsed())
            return distil(distilOptions, distilThreads, command);
        md::Status st = md::ModelAssembler::assemble(from, tokenizer, out);
        return st ? 0 : fail(st);
    } catch (const std::exception& e) {
        std::cerr << "mdtrain: " << e.what() << "\n";
        return 1;
    }
}

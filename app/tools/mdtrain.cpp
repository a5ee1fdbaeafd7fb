// mdtrain: makes the embedded default model. Argument parsing only; the work is in
// core/engine/training/.
//
//   mdtrain corpus   --count N [--seed S] --out FILE      captions for spm_train
//   mdtrain scenes   [--size 256] [--count 32] [--first 0] [--seed S] --out grid.png
//   mdtrain bench    [--models mds-tiny,cand-a] [--device cpu] [--prompts 4] [--steps 20]
//   mdtrain train    --tokenizer spiece.model --state DIR --export DIR [options]
//   mdtrain assemble --from EXPORT_DIR --tokenizer spiece.model --out MODEL_DIR

#include "training/EmbeddedModelSpec.h"
#include "training/EmbeddedTrainer.h"
#include "training/ModelAssembler.h"
#include "training/ModelBenchmark.h"
#include "training/PngWriter.h"
#include "training/SceneGenerator.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Args = std::map<std::string, std::string>;

int usage()
{
    std::cerr << "usage: mdtrain corpus|scenes|bench|train|assemble [--option value]...\n"
                 "  corpus   --count N [--seed S] --out FILE\n"
                 "  scenes   [--size 256] [--count 32] [--first 0] [--seed S] --out FILE.png\n"
                 "  bench    [--models a,b] [--device cpu|cuda] [--prompts 4] [--steps 20]\n"
                 "           [--repeats 3] [--threads N] [--dtype float32|float16|bfloat16]\n"
                 "  train    --tokenizer spiece.model [--state DIR] [--export DIR]\n"
                 "           [--resume-from DIR] [--model mds-tiny] [--seed 1] [--device auto]\n"
                 "           [--vae-steps N] [--vae-batch N] [--vae-crop N] [--vae-lr X]\n"
                 "           [--diffusion-steps N] [--diffusion-batch N] [--diffusion-lr X]\n"
                 "           [--pool N] [--pool-refresh N] [--ema X] [--max-seconds S]\n"
                 "           [--checkpoint-seconds S] [--log-every N] [--sample-every N]\n"
                 "           [--image-size N] [--noise-offset X] [--min-snr G]\n"
                 "           [--caption-dropout P] [--partial-captions P]\n"
                 "  assemble --from EXPORT_DIR --tokenizer spiece.model --out MODEL_DIR\n";
    return 2;
}

bool parse(int argc, char** argv, Args& args)
{
    for (int i = 2; i < argc; ++i) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
            std::cerr << "mdtrain: expected --option value, got '" << key << "'\n";
            return false;
        }
        args[key.substr(2)] = argv[++i];
    }
    return true;
}

std::string get(const Args& a, const std::string& k, const std::string& def = "")
{
    auto it = a.find(k);
    return it == a.end() ? def : it->second;
}

long long getInt(const Args& a, const std::string& k, long long def)
{
    auto it = a.find(k);
    return it == a.end() ? def : std::stoll(it->second);
}

double getDouble(const Args& a, const std::string& k, double def)
{
    auto it = a.find(k);
    return it == a.end() ? def : std::stod(it->second);
}

int fail(const md::Status& s)
{
    std::cerr << "mdtrain: " << s.message() << "\n";
    return 1;
}

int corpus(const Args& a)
{
    const std::string out = get(a, "out");
    if (out.empty())
        return usage();
    md::SceneGenerator gen(8, uint64_t(getInt(a, "seed", 1)));
    std::ofstream f(out);
    for (const auto& c : gen.captions(0, uint64_t(getInt(a, "count", 200000))))
        f << c << "\n";
    if (!f)
        return fail(md::Status::error("cannot write " + out));
    return 0;
}

int scenes(const Args& a)
{
    const std::string out = get(a, "out");
    if (out.empty())
        return usage();
    const int count = int(getInt(a, "count", 32));
    md::SceneGenerator gen(int(getInt(a, "size", 256)), uint64_t(getInt(a, "seed", 1)));
    md::SceneBatch b = gen.batch(uint64_t(getInt(a, "first", 0)), count);
    for (int i = 0; i < count; ++i)
        std::cout << i << "\t" << b.captions[size_t(i)] << "\n";
    md::Status s = md::PngWriter::write(
        out, md::PngWriter::grid(b.images, int(getInt(a, "columns", 8)), true));
    return s ? 0 : fail(s);
}

int bench(const Args& a)
{
    if (a.count("threads"))
        torch::set_num_threads(int(getInt(a, "threads", 2)));
    std::vector<std::string> models;
    std::stringstream list(get(a, "models", "mds-tiny"));
    for (std::string m; std::getline(list, m, ',');)
        models.push_back(m);
    const torch::Device device(get(a, "device", "cpu"));
    const std::string dt = get(a, "dtype", "float32");
    const torch::Dtype dtype = dt == "float16"    ? torch::kFloat16
                               : dt == "bfloat16" ? torch::kBFloat16
                                                  : torch::kFloat32;
    const int steps = int(getInt(a, "steps", 20));
    for (const auto& name : models) {
        auto spec = md::EmbeddedModelSpec::preset(name);
        if (!spec)
            return fail(spec.status());
        auto r = md::ModelBenchmark::run(*spec, device, int(getInt(a, "prompts", 4)),
                                         int(getInt(a, "repeats", 3)), dtype);
        if (!r)
            return fail(r.status());
        std::cout << name << " device " << r->device << " " << dt << " params unet "
                  << r->unetParameters << " vae " << r->vaeParameters << " text "
                  << r->textParameters << " | unet batch " << r->unetBatch << "x" << r->latentSize
                  << "^2: " << r->unetSeconds << " s (cpu " << r->unetCpuSeconds
                  << " s) | vae decode " << r->vaeSeconds << " s (cpu " << r->vaeCpuSeconds
                  << " s) | text " << r->textSeconds << " s | " << steps
                  << " steps: " << r->generationSeconds(steps) << " s" << std::endl;
    }
    return 0;
}

int train(const Args& a, const std::string& command)
{
    md::TrainOptions o;
    o.model = get(a, "model", o.model);
    o.tokenizer = get(a, "tokenizer");
    o.stateDir = get(a, "state");
    o.exportDir = get(a, "export");
    o.resumeFrom = get(a, "resume-from");
    o.device = get(a, "device", o.device);
    o.seed = uint64_t(getInt(a, "seed", 1));
    o.imageSize = int(getInt(a, "image-size", o.imageSize));
    o.vaeSteps = int(getInt(a, "vae-steps", o.vaeSteps));
    o.vaeBatch = int(getInt(a, "vae-batch", o.vaeBatch));
    o.vaeCrop = int(getInt(a, "vae-crop", o.vaeCrop));
    o.vaeLr = getDouble(a, "vae-lr", o.vaeLr);
    o.diffusionSteps = int(getInt(a, "diffusion-steps", o.diffusionSteps));
    o.diffusionBatch = int(getInt(a, "diffusion-batch", o.diffusionBatch));
    o.diffusionLr = getDouble(a, "diffusion-lr", o.diffusionLr);
    o.warmupSteps = int(getInt(a, "warmup", o.warmupSteps));
    o.poolSize = int(getInt(a, "pool", o.poolSize));
    o.poolRefresh = int(getInt(a, "pool-refresh", o.poolRefresh));
    o.emaDecay = getDouble(a, "ema", o.emaDecay);
    o.noiseOffset = getDouble(a, "noise-offset", o.noiseOffset);
    o.minSnrGamma = getDouble(a, "min-snr", o.minSnrGamma);
    o.captionDropout = getDouble(a, "caption-dropout", o.captionDropout);
    o.partialCaptions = getDouble(a, "partial-captions", o.partialCaptions);
    o.maxSeconds = getDouble(a, "max-seconds", o.maxSeconds);
    o.checkpointSeconds = getDouble(a, "checkpoint-seconds", o.checkpointSeconds);
    o.logEvery = int(getInt(a, "log-every", o.logEvery));
    o.sampleEvery = int(getInt(a, "sample-every", o.sampleEvery));
    if (o.tokenizer.empty())
        return usage();
    if (a.count("threads"))
        torch::set_num_threads(int(getInt(a, "threads", 2)));
    o.command = command;
    md::EmbeddedTrainer trainer(o, [](const std::string& line) { std::cout << line << std::endl; });
    md::Status s = trainer.run();
    if (!s)
        return fail(s);
    std::cout << (trainer.finished() ? "training finished" : "training paused (resume later)")
              << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2)
        return usage();
    const std::string cmd = argv[1];
    Args args;
    if (!parse(argc, argv, args))
        return usage();
    std::string command;
    for (int i = 0; i < argc; ++i)
        command += (i ? " " : "") + std::string(argv[i]);
    try {
        if (cmd == "corpus")
            return corpus(args);
        if (cmd == "scenes")
            return scenes(args);
        if (cmd == "bench")
            return bench(args);
        if (cmd == "train")
            return train(args, command);
        if (cmd == "assemble") {
            md::Status s = md::ModelAssembler::assemble(get(args, "from"), get(args, "tokenizer"),
                                                        get(args, "out"));
            return s ? 0 : fail(s);
        }
    } catch (const std::exception& e) {
        std::cerr << "mdtrain: " << e.what() << "\n";
        return 1;
    }
    return usage();
}

#include "training/EmbeddedTrainer.h"

#include "engine/nn/ModelFactory.h"
#include "training/CaptionTokenizer.h"
#include "training/DiffusionTrainer.h"
#include "training/EmbeddedModelSpec.h"
#include "training/LatentPool.h"
#include "training/ModuleWeights.h"
#include "training/PngWriter.h"
#include "training/PreviewSampler.h"
#include "training/SceneGenerator.h"
#include "training/TrainingState.h"
#include "training/VaeTrainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace md {

namespace fs = std::filesystem;

namespace {

double cosineLr(double base, int step, int total, int warmup)
{
    if (warmup > 0 && step < warmup)
        return base * double(step + 1) / double(warmup);
    const double progress =
        std::min(1.0, double(step - warmup) / double(std::max(1, total - warmup)));
    return base * (0.1 + 0.9 * 0.5 * (1.0 + std::cos(3.141592653589793 * progress)));
}

std::string fixed(double v, int digits)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

bool exists(const std::string& path)
{
    std::error_code ec;
    return !path.empty() && fs::exists(path, ec);
}

template <typename T> Status saveArchive(T& object, const std::string& path)
{
    try {
        torch::save(object, path + ".tmp");
        fs::rename(path + ".tmp", path);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("writing " + path + ": " + e.what());
    }
}

template <typename T> Status loadArchive(T& object, const std::string& path)
{
    try {
        torch::load(object, path);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("reading " + path + ": " + e.what());
    }
}

} // namespace

class EmbeddedTrainer::Impl
{
public:
    Impl(TrainOptions o, LogFn l) : opt(std::move(o)), log(std::move(l)) {}

    Status run();
    bool finished() const { return state.stage == "done"; }

private:
    Status setup();
    Status resume();
    Status runVae();
    Status measureScaling();
    Status runDiffusion();
    Status saveFull();
    Status exportCompact();
    Status writeSamples(const std::string& path);
    double sessionSeconds() const
    {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    bool timeUp() const { return opt.maxSeconds > 0 && sessionSeconds() >= opt.maxSeconds; }
    void seedStep(int stage, int step) const
    {
        torch::manual_seed(opt.seed * 1000003ULL + uint64_t(stage) * 1000000000ULL +
                           uint64_t(step));
    }
    void appendLog(const std::string& stage, int step, double loss, double lr);
    Status maybeCheckpoint();
    std::string path(const std::string& dir, const std::string& name) const
    {
        return (fs::path(dir) / name).string();
    }

    TrainOptions opt;
    LogFn log;
    torch::Device device = torch::kCPU;
    EmbeddedModelSpec spec;
    TrainingState state;
    std::unique_ptr<CaptionTokenizer> tokenizer;
    std::unique_ptr<SceneGenerator> vaeData;
    std::unique_ptr<SceneGenerator> diffusionData;
    nn::AutoencoderKL vae{nullptr};
    nn::UNet2DConditionModel unet{nullptr};
    nn::ClipTextModel text{nullptr};
    std::unique_ptr<VaeTrainer> vaeTrainer;
    std::unique_ptr<DiffusionTrainer> diffusionTrainer;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double lastCheckpoint = 0;
    double trainSecondsAtStart = 0;
    bool freshOptimizer = true; // resumed from a compact export: warm up again
};

Status EmbeddedTrainer::Impl::setup()
{
    if (opt.device == "auto")
        device = torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::kCPU;
    else
        device = torch::Device(opt.device);
    if (device.is_cuda()) {
        at::globalContext().setFloat32MatmulPrecision("high"); // TF32 matmuls
        at::globalContext().setAllowTF32CuDNN(true);
        at::globalContext().setBenchmarkCuDNN(true);
    }
    auto s = EmbeddedModelSpec::preset(opt.model);
    if (!s)
        return s.status();
    spec = *s;
    if (opt.imageSize <= 0)
        opt.imageSize = spec.nativeSize;
    auto tok = CaptionTokenizer::load(opt.tokenizer);
    if (!tok)
        return tok.status().withContext("tokenizer");
    tokenizer = std::make_unique<CaptionTokenizer>(std::move(*tok));
    if (tokenizer->vocabSize() > spec.config.textEncoder.vocabSize)
        return Status::error("the tokenizer has " + std::to_string(tokenizer->vocabSize()) +
                             " pieces but the text encoder of " + spec.name + " only " +
                             std::to_string(spec.config.textEncoder.vocabSize));
    vaeData = std::make_unique<SceneGenerator>(opt.imageSize, opt.seed * 1000 + 1, device);
    diffusionData = std::make_unique<SceneGenerator>(opt.imageSize, opt.seed * 1000 + 2, device);

    torch::manual_seed(opt.seed);
    auto v = nn::createVae(spec.config.vae);
    if (!v)
        return v.status();
    auto u = nn::createUNet(spec.config.unet);
    if (!u)
        return u.status();
    auto t = nn::createTextEncoder(spec.config.textEncoder);
    if (!t)
        return t.status();
    vae = *v;
    unet = *u;
    text = *t;
    vae->to(device);
    unet->to(device);
    text->to(device);
    state.model = spec.name;
    state.seed = opt.seed;
    state.generatorVersion = SceneGenerator::kVersion;
    state.command = opt.command;
    log("model " + spec.name + ": unet " + std::to_string(nn::parameterCount(*unet)) +
        " parameters, vae " + std::to_string(nn::parameterCount(*vae)) + ", text encoder " +
        std::to_string(nn::parameterCount(*text)) + "; device " + device.str() +
        "; training images " + std::to_string(opt.imageSize) + " px");
    return resume();
}

// Loads weights and progress: the full state in stateDir if there is one, else a compact
// export (resumeFrom), else nothing (a fresh run). Builds the stage trainers afterwards.
Status EmbeddedTrainer::Impl::resume()
{
    const std::string full = path(opt.stateDir, "state.json");
    const std::string compact = path(opt.resumeFrom, "state.json");
    std::string from;
    bool isFull = false;
    if (!opt.stateDir.empty() && exists(full)) {
        from = opt.stateDir;
        isFull = true;
    } else if (!opt.resumeFrom.empty() && exists(compact)) {
        from = opt.resumeFrom;
    }
    if (!from.empty()) {
        auto st = TrainingState::read(path(from, "state.json"));
        if (!st)
            return st.status();
        if (st->model != spec.name || st->seed != opt.seed ||
            st->generatorVersion != SceneGenerator::kVersion)
            return Status::error(from + " holds a run of " + st->model + " (seed " +
                                 std::to_string(st->seed) + ", generator v" +
                                 std::to_string(st->generatorVersion) +
                                 "), not of these options: start a new state folder");
        state = *st;
        state.command = opt.command;
        if (state.stage == "done" && opt.diffusionSteps > state.diffusionStep)
            state.stage = "diffusion"; // more steps asked for: continue stage B
        trainSecondsAtStart = state.trainSeconds;
        log("resuming from " + from + (isFull ? " (full state)" : " (compact export)") +
            ": stage " + state.stage + ", vae step " + std::to_string(state.vaeStep) +
            ", diffusion step " + std::to_string(state.diffusionStep));
        Status s = ModuleWeights::load(path(from, "vae.safetensors"), *vae);
        if (!s)
            return s;
    }
    vaeTrainer = std::make_unique<VaeTrainer>(vae, opt);
    if (isFull && state.stage == "vae" && exists(path(from, "vae-optimizer.pt"))) {
        Status s = loadArchive(vaeTrainer->optimizer(), path(from, "vae-optimizer.pt"));
        if (!s)
            return s;
    }
    if (!from.empty() && state.stage != "vae") {
        // Live weights: resume-*.safetensors (compact) or unet/text_encoder (full).
        const std::string live = isFull ? "" : "resume-";
        const std::string ema = isFull ? "ema-" : "";
        for (auto [module, name] : std::vector<std::pair<torch::nn::Module*, std::string>>{
                 {unet.ptr().get(), "unet"}, {text.ptr().get(), "text_encoder"}}) {
            std::string file = path(from, live + name + ".safetensors");
            if (!exists(file)) // a finished compact export has only the EMA weights
                file = path(from, name + ".safetensors");
            if (state.diffusionStep == 0 && !exists(file))
                continue; // stopped right after stage A: nothing trained yet
            Status s = ModuleWeights::load(file, *module);
            if (!s)
                return s;
        }
        diffusionTrainer =
            std::make_unique<DiffusionTrainer>(unet, text, spec.config.scheduler, opt, device);
        if (opt.emaDecay > 0 && exists(path(from, ema + "unet.safetensors")) &&
            !(isFull && ema.empty())) {
            diffusionTrainer->swapEma();
            Status s1 = ModuleWeights::load(path(from, ema + "unet.safetensors"), *unet);
            Status s2 = ModuleWeights::load(path(from, ema + "text_encoder.safetensors"), *text);
            diffusionTrainer->swapEma();
            if (!s1)
                return s1;
            if (!s2)
                return s2;
        }
        if (isFull && exists(path(from, "diffusion-optimizer.pt"))) {
            Status s =
                loadArchive(diffusionTrainer->optimizer(), path(from, "diffusion-optimizer.pt"));
            if (!s)
                return s;
            freshOptimizer = false;
        }
    }
    if (!opt.stateDir.empty())
        fs::create_directories(opt.stateDir);
    if (!opt.exportDir.empty())
        fs::create_directories(opt.exportDir);
    return Status::ok();
}

void EmbeddedTrainer::Impl::appendLog(const std::string& stage, int step, double loss, double lr)
{
    if (opt.stateDir.empty())
        return;
    std::ofstream f(path(opt.stateDir, "train-log.tsv"), std::ios::app);
    f << stage << "\t" << step << "\t" << loss << "\t" << lr << "\t"
      << fixed(trainSecondsAtStart + sessionSeconds(), 1) << "\n";
}

Status EmbeddedTrainer::Impl::maybeCheckpoint()
{
    if (opt.stateDir.empty() || sessionSeconds() - lastCheckpoint < opt.checkpointSeconds)
        return Status::ok();
    lastCheckpoint = sessionSeconds();
    return saveFull();
}

Status EmbeddedTrainer::Impl::saveFull()
{
    if (opt.stateDir.empty())
        return Status::ok();
    state.trainSeconds = trainSecondsAtStart + sessionSeconds();
    const std::string& dir = opt.stateDir;
    Status s = ModuleWeights::save(path(dir, "vae.safetensors"), *vae, torch::kFloat32);
    if (s && state.stage == "vae")
        s = saveArchive(vaeTrainer->optimizer(), path(dir, "vae-optimizer.pt"));
    if (s && diffusionTrainer) {
        s = ModuleWeights::save(path(dir, "unet.safetensors"), *unet, torch::kFloat32);
        if (s)
            s = ModuleWeights::save(path(dir, "text_encoder.safetensors"), *text, torch::kFloat32);
        if (s && opt.emaDecay > 0) {
            diffusionTrainer->swapEma();
            s = ModuleWeights::save(path(dir, "ema-unet.safetensors"), *unet, torch::kFloat32);
            if (s)
                s = ModuleWeights::save(path(dir, "ema-text_encoder.safetensors"), *text,
                                        torch::kFloat32);
            diffusionTrainer->swapEma();
        }
        if (s)
            s = saveArchive(diffusionTrainer->optimizer(), path(dir, "diffusion-optimizer.pt"));
    }
    if (s)
        s = state.write(path(dir, "state.json"));
    if (s)
        log("checkpoint: " + dir + " (" + state.stage + ")");
    return s;
}

Status EmbeddedTrainer::Impl::exportCompact()
{
    if (opt.exportDir.empty())
        return Status::ok();
    state.trainSeconds = trainSecondsAtStart + sessionSeconds();
    const std::string& dir = opt.exportDir;
    const std::map<std::string, std::string> meta = {
        {"md_model", spec.name}, {"scaling_factor", std::to_string(state.scalingFactor)}};
    Status s = ModuleWeights::save(path(dir, "vae.safetensors"), *vae, torch::kFloat16, meta);
    if (s && diffusionTrainer) {
        if (state.stage != "done") { // live weights to continue from elsewhere
            s = ModuleWeights::save(path(dir, "resume-unet.safetensors"), *unet, torch::kFloat16);
            if (s)
                s = ModuleWeights::save(path(dir, "resume-text_encoder.safetensors"), *text,
                                        torch::kFloat16);
        } else {
            fs::remove(path(dir, "resume-unet.safetensors"));
            fs::remove(path(dir, "resume-text_encoder.safetensors"));
        }
        diffusionTrainer->swapEma();
        if (s)
            s = ModuleWeights::save(path(dir, "unet.safetensors"), *unet, torch::kFloat16, meta);
        if (s)
            s = ModuleWeights::save(path(dir, "text_encoder.safetensors"), *text, torch::kFloat16,
                                    meta);
        if (s)
            s = writeSamples(path(dir, "samples.png"));
        diffusionTrainer->swapEma();
    }
    if (s)
        s = state.write(path(dir, "state.json"));
    if (s)
        log("exported: " + dir + " (" + state.stage + ")");
    return s;
}

Status EmbeddedTrainer::Impl::writeSamples(const std::string& file)
{
    PreviewModel m;
    m.unet = unet;
    m.text = text;
    m.vae = vae;
    m.tokenizer = tokenizer.get();
    m.noising = &diffusionTrainer->noising();
    m.scalingFactor = state.scalingFactor;
    m.latentSize = spec.config.unet.sampleSize;
    const auto prompts = samplePrompts();
    std::vector<torch::Tensor> images;
    for (size_t i = 0; i < prompts.size(); i += 8) {
        std::vector<std::string> part(prompts.begin() + long(i),
                                      prompts.begin() + long(std::min(prompts.size(), i + 8)));
        auto x = PreviewSampler::sample(m, part, 20, 7.5, opt.seed + i);
        if (x.size(2) > 256)
            x = torch::avg_pool2d(x, x.size(2) / 256);
        images.push_back(x.cpu());
    }
    return PngWriter::write(file, PngWriter::grid(torch::cat(images), 4, true));
}

Status EmbeddedTrainer::Impl::runVae()
{
    const int total = opt.vaeSteps;
    double sum = 0;
    int count = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (state.vaeStep < total) {
        if (timeUp())
            return Status::ok();
        const int step = state.vaeStep;
        seedStep(1, step);
        SceneBatch batch = vaeData->batch(uint64_t(step) * uint64_t(opt.vaeBatch), opt.vaeBatch);
        torch::Tensor images = batch.images;
        if (opt.vaeCrop > 0 && opt.vaeCrop < opt.imageSize) {
            SceneRandom rnd(opt.seed + 99, uint64_t(step));
            const int range = opt.imageSize - opt.vaeCrop;
            const int y = rnd.index(range / 8 + 1) * 8, x = rnd.index(range / 8 + 1) * 8;
            images = images.slice(2, y, y + opt.vaeCrop).slice(3, x, x + opt.vaeCrop);
        }
        const double lr = cosineLr(opt.vaeLr, step, total, std::min(100, total / 10));
        VaeLosses l = vaeTrainer->step(images, lr);
        sum += l.total;
        ++count;
        state.vaeStep = step + 1;
        state.lastVaeLoss = l.total;
        if (state.vaeStep % opt.logEvery == 0 || state.vaeStep == total) {
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            log("vae " + std::to_string(state.vaeStep) + "/" + std::to_string(total) + " loss " +
                fixed(sum / count, 5) + " (l1 " + fixed(l.l1, 4) + " l2 " + fixed(l.l2, 5) +
                " grad " + fixed(l.gradient, 4) + " kl " + fixed(l.kl, 2) + ") lr " +
                fixed(lr * 1e4, 2) + "e-4 " + fixed(count / secs, 2) + " it/s");
            appendLog("vae", state.vaeStep, sum / count, lr);
            sum = 0;
            count = 0;
            t0 = std::chrono::steady_clock::now();
        }
        Status s = maybeCheckpoint();
        if (!s)
            return s;
    }
    return measureScaling();
}

// SD's convention: latents are multiplied by 1/std so that the diffusion sees unit variance.
Status EmbeddedTrainer::Impl::measureScaling()
{
    torch::NoGradGuard noGrad;
    vae->eval();
    std::vector<torch::Tensor> zs;
    for (int i = 0; i < 8; ++i) {
        SceneBatch b = diffusionData->batch(uint64_t(1) << 40 | uint64_t(i * 16), 16);
        zs.push_back(vae->encode(b.images).mean);
    }
    const double sd = torch::cat(zs).std().item<double>();
    state.scalingFactor = 1.0 / std::max(sd, 1e-6);
    state.stage = "diffusion";
    log("vae done: latent std " + fixed(sd, 4) + ", scaling_factor " +
        fixed(state.scalingFactor, 5));
    diffusionTrainer =
        std::make_unique<DiffusionTrainer>(unet, text, spec.config.scheduler, opt, device);
    return saveFull();
}

Status EmbeddedTrainer::Impl::runDiffusion()
{
    const int total = opt.diffusionSteps;
    LatentPool pool(*diffusionData, vae, state.scalingFactor, opt.poolSize,
                    device.is_cuda() ? 32 : 4);
    {
        const uint64_t end = pool.endIndex(uint64_t(state.diffusionStep), opt.poolRefresh);
        const auto t0 = std::chrono::steady_clock::now();
        pool.fill(end - uint64_t(opt.poolSize), uint64_t(opt.poolSize));
        log("latent pool: " + std::to_string(opt.poolSize) + " samples in " +
            fixed(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1) +
            " s");
    }
    const int warmup = freshOptimizer ? opt.warmupSteps : 0;
    const int warmupStart = state.diffusionStep;
    double sum = 0;
    int count = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (state.diffusionStep < total) {
        if (timeUp())
            return Status::ok();
        const int step = state.diffusionStep;
        pool.fill(pool.endIndex(uint64_t(step), opt.poolRefresh), uint64_t(opt.poolRefresh));
        seedStep(2, step);
        auto slots = torch::randint(0, opt.poolSize, {opt.diffusionBatch}, torch::kLong);
        auto captions = pool.captions(slots);
        if (opt.partialCaptions > 0) {
            const auto parts = pool.parts(slots);
            SceneRandom partial(opt.seed + 13, uint64_t(step));
            for (size_t i = 0; i < captions.size(); ++i)
                if (!parts[i].empty() && partial.chance(opt.partialCaptions))
                    captions[i] = partial.pick(parts[i]);
        }
        SceneRandom drop(opt.seed + 7, uint64_t(step));
        for (auto& c : captions)
            if (drop.chance(opt.captionDropout))
                c.clear();
        auto ids = tokenizer->encode(captions, device);
        double lr = cosineLr(opt.diffusionLr, step, total, 0);
        if (step - warmupStart < warmup)
            lr *= double(step - warmupStart + 1) / double(warmup);
        const double loss = diffusionTrainer->step(pool.latents(slots), ids, lr);
        const double decay = std::min(opt.emaDecay, double(1 + step) / double(10 + step));
        diffusionTrainer->updateEma(decay);
        sum += loss;
        ++count;
        state.diffusionStep = step + 1;
        state.lastDiffusionLoss = loss;
        if (state.diffusionStep % opt.logEvery == 0 || state.diffusionStep == total) {
            const double secs =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            log("diffusion " + std::to_string(state.diffusionStep) + "/" + std::to_string(total) +
                " loss " + fixed(sum / count, 5) + " lr " + fixed(lr * 1e4, 2) + "e-4 " +
                fixed(count / secs, 2) + " it/s, " +
                fixed(trainSecondsAtStart + sessionSeconds(), 0) + " s");
            appendLog("diffusion", state.diffusionStep, sum / count, lr);
            sum = 0;
            count = 0;
            t0 = std::chrono::steady_clock::now();
        }
        if (opt.sampleEvery > 0 && state.diffusionStep % opt.sampleEvery == 0 &&
            !opt.exportDir.empty()) {
            diffusionTrainer->swapEma();
            Status s = writeSamples(path(opt.exportDir, "samples.png"));
            diffusionTrainer->swapEma();
            if (!s)
                return s;
        }
        Status s = maybeCheckpoint();
        if (!s)
            return s;
    }
    state.stage = "done";
    return Status::ok();
}

Status EmbeddedTrainer::Impl::run()
{
    try {
        Status s = setup();
        if (!s)
            return s;
        if (state.stage == "vae")
            s = runVae();
        if (s && state.stage == "diffusion" && !timeUp()) {
            if (!diffusionTrainer)
                diffusionTrainer = std::make_unique<DiffusionTrainer>(
                    unet, text, spec.config.scheduler, opt, device);
            s = runDiffusion();
        }
        if (!s)
            return s;
        s = saveFull();
        if (s)
            s = exportCompact();
        return s;
    } catch (const std::exception& e) {
        return Status::error(std::string("training failed: ") + e.what());
    }
}

EmbeddedTrainer::EmbeddedTrainer(TrainOptions options, LogFn log)
    : d(std::make_unique<Impl>(std::move(options), std::move(log)))
{
}

EmbeddedTrainer::~EmbeddedTrainer() = default;

Status EmbeddedTrainer::run()
{
    return d->run();
}

bool EmbeddedTrainer::finished() const
{
    return d->finished();
}

std::vector<std::string> EmbeddedTrainer::samplePrompts()
{
    return {"red",
            "blue",
            "yellow",
            "purple",
            "green grass",
            "a blue sky",
            "night sky",
            "sunset",
            "sea",
            "a brick wall",
            "wood",
            "snow",
            "a yellow sun",
            "a red ball on green grass under a blue sky",
            "a house on snow under a night sky",
            "a yellow sun over the sea"};
}

} // namespace md

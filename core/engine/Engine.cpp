#include "engine/Engine.h"

#include "engine/LoraTags.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/LoraFiles.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/PreviewDecoderChoice.h"
#include "engine/pipeline/PreviewDecoderLocator.h"
#include "engine/pipeline/PromptEncoder.h"
#include "engine/pipeline/RequestValidation.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/text/PromptChunker.h"
#include "engine/text/Tokenizer.h"

#include <chrono>
#include <ctime>
#include <torch/torch.h>

namespace md {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double cpuSeconds()
{
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

void synchronize(const torch::Device& device)
{
    // A cheap device round trip so timings include queued GPU work.
    if (device.is_cuda())
        torch::zeros({1}, torch::TensorOptions().device(device)).cpu();
}

} // namespace

class Engine::Impl
{
public:
    std::unique_ptr<ModelSession> session; // the loaded model, nullptr when none
    std::unique_ptr<DiffusionPipeline> pipeline;
    std::optional<std::int64_t> availableMemory; // set by the caller, else the machine's

    StableDiffusionModel* model() const { return session ? &session->model() : nullptr; }

    Status checkRequest(const GenerateRequest& request) const
    {
        if (!session)
            return Status::error("no model is loaded");
        return validateRequest(request, session->model());
    }
};

Engine::Engine() : d(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

Status Engine::load(const ModelOptions& options, const LoadProgressFn& onProgress)
{
    try {
        auto model = StableDiffusionModel::load(options, onProgress);
        if (!model)
            return model.status();
        d->pipeline.reset();
        d->session.reset();
        d->session = std::make_unique<ModelSession>(model.value());
        // Optional: a decoder that cannot be used leaves the linear preview and a note.
        auto tiny = choosePreviewDecoder(options, *model.value(), defaultPreviewDecoderDirs());
        d->session->setPreviewDecoder(tiny.decoder, tiny.note);
        d->session->unetGraphs().setEnabled(options.cudaGraphs);
        d->pipeline = std::make_unique<DiffusionPipeline>(*d->session);
        d->pipeline->setAvailableMemory(d->availableMemory);
        return Status::ok();
    } catch (const std::exception& e) {
        return Status::error("loading " + options.path + ": " + e.what());
    }
}

bool Engine::isLoaded() const
{
    return d->session != nullptr;
}

ModelInfo Engine::info() const
{
    if (!d->session)
        return {};
    ModelInfo info = d->model()->info();
    info.threads = torch::get_num_threads();
    if (const TinyPreviewDecoder* tiny = d->session->previewDecoder())
        info.previewDecoder = tiny->path();
    info.previewDecoderNote = d->session->previewDecoderNote();
    info.cudaGraphs = d->session->unetGraphsSummary();
    return info;
}

Status Engine::validate(const GenerateRequest& request) const
{
    try {
        return d->checkRequest(request);
    } catch (const std::exception& e) {
        return Status::error(e.what());
    }
}

Result<GenerationPlan> Engine::plan(const GenerateRequest& request) const
{
    try {
        if (!d->pipeline)
            return Status::error("no model is loaded");
        return d->pipeline->plan(request);
    } catch (const std::exception& e) {
        return Status::error(e.what());
    }
}

Result<GenerationEstimate> Engine::estimate(const GenerateRequest& request) const
{
    try {
        if (!d->pipeline)
            return Status::error("no model is loaded");
        return d->pipeline->estimate(request);
    } catch (const std::exception& e) {
        return Status::error(e.what());
    }
}

void Engine::setAvailableMemory(std::optional<std::int64_t> bytes)
{
    d->availableMemory = bytes;
    if (d->pipeline)
        d->pipeline->setAvailableMemory(bytes);
}

Result<RgbImage> Engine::generate(const GenerateRequest& request,
                                  const GenerateCallbacks& callbacks)
{
    try {
        auto valid = d->checkRequest(request);
        if (!valid)
            return valid;
        auto result = d->pipeline->run(request, callbacks);
        if (!result)
            return result.status();
        return std::move(result.value().image);
    } catch (const c10::Error& e) {
        return Status::error(std::string("generation failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(std::string("generation failed: ") + e.what());
    }
}

Result<std::vector<int>> Engine::tokenize(const std::string& text) const
{
    if (!d->session)
        return Status::error("no model is loaded");
    try {
        return encodeChunk(d->model()->tokenizer(), text);
    } catch (const std::exception& e) {
        return Status::error(std::string("tokenizing failed: ") + e.what());
    }
}

Result<PromptTokenCount> Engine::countTokens(const std::string& prompt) const
{
    if (!d->session)
        return Status::error("no model is loaded");
    try {
        const Tokenizer& tokenizer = d->model()->tokenizer();
        PromptTokenCount count;
        count.tokens = PromptChunker::countTokens(tokenizer, prompt);
        count.chunks = int(PromptChunker::chunkPrompt(tokenizer, prompt).size());
        count.chunkCapacity = tokenizer.chunkCapacity();
        return count;
    } catch (const std::exception& e) {
        return Status::error(std::string("counting tokens failed: ") + e.what());
    }
}

Result<std::vector<int>> Engine::tokenizeFile(const ModelOptions& options, const std::string& text)
{
    try {
        auto tokenizer = StableDiffusionModel::loadTokenizerOnly(options);
        if (!tokenizer)
            return tokenizer.status();
        return encodeChunk(*tokenizer.value(), text);
    } catch (const std::exception& e) {
        return Status::error(std::string("tokenizing failed: ") + e.what());
    }
}

Result<std::vector<LoraFileUse>> Engine::lorasOf(const GenerateRequest& request)
{
    try {
        if (Status tags = checkLoraTags(request); !tags)
            return tags;
        return resolveLoraFiles(request);
    } catch (const std::exception& e) {
        return Status::error(std::string("finding the LoRA files failed: ") + e.what());
    }
}

std::vector<std::pair<std::string, std::string>> Engine::describe() const
{
    if (!d->session)
        return {};
    try {
        auto lines = d->model()->describe();
        const TinyPreviewDecoder* tiny = d->session->previewDecoder();
        const std::string& note = d->session->previewDecoderNote();
        lines.emplace_back("preview decoder",
                           tiny ? tiny->description() + (note.empty() ? "" : " (" + note + ")")
                           : note.empty() ? "linear (no tiny decoder found or named)"
                                          : "linear (" + note + ")");
        return lines;
    } catch (const std::exception& e) {
        return {{"error", e.what()}};
    }
}

Result<BenchmarkReport> Engine::benchmark(const GenerateRequest& request, int unetCalls)
{
    try {
        auto valid = d->checkRequest(request);
        if (!valid)
            return valid;
        auto& model = d->session->model();
        torch::NoGradGuard noGrad;
        BenchmarkReport report;
        report.device = model.info().device;
        report.dtype = model.info().dtype;
        report.width = request.width;
        report.height = request.height;
        report.steps = request.steps;
        report.unetCalls = std::max(1, unetCalls);

        // Every stage runs once untimed first (text encoders, UNet, VAE): first calls pay for
        // cuDNN/cuBLAS autotuning, kernel loading and allocator growth (on a GPU the first
        // text encoding takes ~1 s against ~3 ms warm).
        {
            PromptEncoder warm(model);
            warm.encode(request.prompt);
            warm.encode(request.negative);
            synchronize(model.device());
        }
        auto start = std::chrono::steady_clock::now();
        PromptEncoder prompts(model); // a fresh one: no cached encodings
        auto cond = prompts.encode(extractLoraTags(request.prompt).text); // no LoRA applied
        auto uncond = prompts.encode(request.negative);
        synchronize(model.device());
        report.textEncodeSeconds = secondsSince(start);
        const int64_t length = std::max(cond.context.size(1), uncond.context.size(1));
        UNetConditioning context;
        context.context = torch::cat(
            {prompts.padTo(uncond, length).context, prompts.padTo(cond, length).context}, 0);
        if (model.isSdxl()) {
            context.pooled = torch::cat({uncond.pooled, cond.pooled}, 0);
            context.timeIds = sizeTimeIds(request.height, request.width, 2);
        }

        const int f = model.vaeScaleFactor();
        auto sample =
            torch::randn({2, model.latentChannels(), request.height / f, request.width / f})
                .to(model.device());
        auto timestep = torch::full({2}, 500.0f, torch::TensorOptions().device(model.device()));
        model.unet(sample, timestep, context); // warm-up
        synchronize(model.device());
        report.threads = torch::get_num_threads();
        start = std::chrono::steady_clock::now();
        double cpu = cpuSeconds();
        for (int i = 0; i < report.unetCalls; ++i)
            model.unet(sample, timestep, context);
        synchronize(model.device());
        report.unetCallSeconds = secondsSince(start) / report.unetCalls;
        report.unetCallCpuSeconds = (cpuSeconds() - cpu) / report.unetCalls;

        model.decode(sample.narrow(0, 0, 1)); // warm-up
        synchronize(model.device());
        start = std::chrono::steady_clock::now();
        cpu = cpuSeconds();
        model.decode(sample.narrow(0, 0, 1));
        synchronize(model.device());
        report.vaeDecodeSeconds = secondsSince(start);
        report.vaeDecodeCpuSeconds = cpuSeconds() - cpu;

        start = std::chrono::steady_clock::now();
        cpu = cpuSeconds();
        auto image = d->pipeline->run(request);
        if (!image)
            return image.status();
        synchronize(model.device());
        report.imageSeconds = secondsSince(start);
        report.imageCpuSeconds = cpuSeconds() - cpu;
        return report;
    } catch (const c10::Error& e) {
        return Status::error(std::string("benchmark failed: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::error(std::string("benchmark failed: ") + e.what());
    }
}

} // namespace md

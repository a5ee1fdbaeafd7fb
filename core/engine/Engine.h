#pragma once

// The engine's whole public surface, in the style of whisper.cpp / stable-diffusion.cpp:
// load a model once, then run requests. One Engine is used by one thread at a time; the
// only cross-thread call is through GenerateCallbacks::cancel (an atomic flag).

#include "engine/EngineTypes.h"
#include "engine/GenerationEstimate.h"
#include "engine/Status.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace md {

// What `mdstudio-cli bench` reports: wall-clock seconds of the engine's own calls, and the
// process CPU seconds they used (all threads; robust when other work shares the machine).
struct BenchmarkReport
{
    std::string device;
    std::string dtype;
    int width = 0;
    int height = 0;
    int steps = 0;
    int unetBatch = 2;            // samples per UNet call (2: CFG's uncond + cond)
    int unetCalls = 0;            // timed UNet calls (after one warm-up call)
    double unetCallSeconds = 0;   // mean seconds per UNet call
    double textEncodeSeconds = 0; // prompt + negative
    double vaeDecodeSeconds = 0;
    double imageSeconds = 0; // one whole generate() (text, steps, decode)
    double unetCallCpuSeconds = 0;
    double vaeDecodeCpuSeconds = 0;
    double imageCpuSeconds = 0;
    int threads = 0; // libtorch intra-op threads
};

// How long a prompt is for the loaded model: `tokens` after weights and BREAK are applied,
// in `chunks` encoder chunks of `chunkCapacity` tokens (75 for CLIP); every chunk is used.
struct PromptTokenCount
{
    int tokens = 0;
    int chunks = 1;
    int chunkCapacity = 75;
};

class Engine
{
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Loads weights, tokenizer and scheduler config; replaces any loaded model.
    Status load(const ModelOptions& options, const LoadProgressFn& onProgress = {});
    bool isLoaded() const;
    ModelInfo info() const;

    // Whether generate() would accept the request (sizes, steps, cfg, regions) on the loaded
    // model; the message says what to change.
    Status validate(const GenerateRequest& request) const;

    // How generate() would run the request on the loaded model (plain or fused, views, UNet
    // batches per step, samples per batch, prompts); validates it first.
    Result<GenerationPlan> plan(const GenerateRequest& request) const;

    // What generate() would take on the loaded model: peak memory (weights, latents, the
    // view batch, attention scores, VAE decode) and UNet evaluations, and whether it fits in
    // what the process may still allocate (MemAvailable, RLIMIT_AS, RLIMIT_DATA); when not,
    // `message` says the figures and the largest size that fits. Validates it first.
    Result<GenerationEstimate> estimate(const GenerateRequest& request) const;
    // Replaces the machine's available memory in estimate() and generate() (tests; nullopt:
    // the machine's). Kept across load().
    void setAvailableMemory(std::optional<std::int64_t> bytes);

    // Text-to-image, regions and panoramas (MultiDiffusion). On cancel: Status::cancelled().
    // Refused before any work when estimate() says it does not fit.
    Result<RgbImage> generate(const GenerateRequest& request,
                              const GenerateCallbacks& callbacks = {});

    // The token ids of the first 77-token chunk of `text`, as the model sees it.
    Result<std::vector<int>> tokenize(const std::string& text) const;

    // The length of a whole prompt in tokens and chunks (for a "37/75" display).
    Result<PromptTokenCount> countTokens(const std::string& prompt) const;

    // The first-chunk ids for a model that is not loaded: reads only the checkpoint's headers and
    // its tokenizer files (fast even for multi-GB checkpoints).
    static Result<std::vector<int>> tokenizeFile(const ModelOptions& options,
                                                 const std::string& text);

    // ---- LoRA (the <lora:NAME:W> tags of the prompts) ----------------------------------------
    // What a LoRA file is (family, format, rank, trigger words), from its header alone; an
    // error for a file that is not a LoRA safetensors.
    static Result<LoraInfo> inspectLora(const std::string& path);
    // The LoRA files a request's prompts name, in order of first use, each found in the
    // request's loraDirs; an error naming the missing file and the folders searched.
    static Result<std::vector<LoraFileUse>> lorasOf(const GenerateRequest& request);

    // The loaded model's architecture as (label, value) lines, for `mdstudio-cli info`.
    std::vector<std::pair<std::string, std::string>> describe() const;

    // Times `unetCalls` UNet calls at the request's size (after a warm-up call) and one whole
    // generate() of the request.
    Result<BenchmarkReport> benchmark(const GenerateRequest& request, int unetCalls = 5);

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace md

#pragma once

// The engine's whole public surface, in the style of whisper.cpp / stable-diffusion.cpp:
// load a model once, then run requests. One Engine is used by one thread at a time; the
// only cross-thread call is through GenerateCallbacks::cancel (an atomic flag).

#include "engine/EngineTypes.h"
#include "engine/Status.h"

#include <memory>

namespace md {

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

    // Text-to-image, regions and panoramas (MultiDiffusion). On cancel: Status::cancelled().
    Result<RgbImage> generate(const GenerateRequest& request,
                              const GenerateCallbacks& callbacks = {});

    // The token ids of the first 77-token chunk of `text`, as the model sees it.
    Result<std::vector<int>> tokenize(const std::string& text) const;

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace md

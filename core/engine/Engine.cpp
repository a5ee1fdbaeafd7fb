#include "engine/Engine.h"

// Placeholder until the pipeline lands (issue 2): every call reports that no model can run.

namespace md {

class Engine::Impl
{
};

Engine::Engine() : d(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

Status Engine::load(const ModelOptions& options, const LoadProgressFn&)
{
    return Status::error("cannot load " + options.path + ": the engine is not built yet");
}

bool Engine::isLoaded() const { return false; }

ModelInfo Engine::info() const { return {}; }

Result<RgbImage> Engine::generate(const GenerateRequest&, const GenerateCallbacks&)
{
    return Status::error("no model is loaded");
}

Result<std::vector<int>> Engine::tokenize(const std::string&) const
{
    return Status::error("no model is loaded");
}

} // namespace md

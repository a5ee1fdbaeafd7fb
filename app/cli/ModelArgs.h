#pragma once

// The model options every command shares (--model, --tokenizer, --prediction, --clip-skip,
// --device, --dtype), and loading the engine with progress on stderr.

#include "ArgParser.h"
#include "engine/Engine.h"

namespace md::cli {

void addModelOptions(ArgParser& parser);
// --model, or the embedded default model when it is installed; an error says where we looked.
Result<ModelOptions> modelOptionsFrom(const ArgParser& parser);
// Loads the model. With `verbose`, one progress line per stage on stderr.
Status loadEngine(Engine& engine, const ModelOptions& options, bool verbose = false);

} // namespace md::cli

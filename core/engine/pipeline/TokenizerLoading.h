#pragma once

// The tokenizer that a checkpoint's TokenizerFiles describe: CLIP BPE files, a sentencepiece
// model, or the CLIP BPE merges shipped with the app (resources/clip) for single files that
// carry no tokenizer.

#include "engine/Status.h"
#include "engine/io/Checkpoint.h"
#include "engine/text/Tokenizer.h"

#include <memory>

namespace md {

// `config` is the text encoder the tokenizer feeds (its vocabulary size and context length).
// `checkpointPath` names the model in messages.
Result<std::shared_ptr<const Tokenizer>> loadTokenizer(const TokenizerFiles& files,
                                                       const TextEncoderConfig& config,
                                                       const std::string& checkpointPath,
                                                       const std::string& missingMessage = "");

} // namespace md

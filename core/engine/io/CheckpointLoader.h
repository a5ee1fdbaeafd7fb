#pragma once

// Opens a checkpoint: a diffusers pipeline folder or a single .safetensors file in the LDM
// layout (SD 1.x / 2.x) or the SGM layout (SDXL).
// Pickle files (.ckpt, .pt, .pth, .bin) are refused: unpickling can run arbitrary code.

#include "engine/Status.h"
#include "engine/io/Checkpoint.h"

#include <string>

namespace md {

Result<Checkpoint> loadCheckpoint(const std::string& path, const CheckpointOptions& options = {});

// The tokenizer files in `dir`: vocab.json + merges.txt (CLIP BPE; special_tokens_map.json
// and tokenizer_config.json when present), or a sentencepiece .model (spiece.model,
// tokenizer.model, or the only *.model). `dir` may also be a diffusers folder holding
// tokenizer/. An error names what is missing.
Result<TokenizerFiles> findTokenizerFiles(const std::string& dir);

// True for .ckpt/.pt/.pth/.bin (case-insensitive), and the error text that refuses them.
bool isPickleCheckpointPath(const std::string& path);
std::string pickleRefusalMessage(const std::string& path);

} // namespace md

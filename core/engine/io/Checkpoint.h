#pragma once

// A loaded (but lazily read) Stable Diffusion checkpoint: its architecture and the tensors
// of its three networks under diffusers / transformers names, whatever the file layout.

#include "engine/io/ModelConfig.h"
#include "engine/io/WeightSet.h"

#include <optional>
#include <string>
#include <vector>

namespace md {

struct TokenizerFiles
{
    // BuiltinClip: no files; the CLIP BPE merges shipped in resources/clip (OpenAI's
    // bpe_simple_vocab_16e6), cut to the text encoder's vocabulary size.
    enum class Kind { None, ClipBpe, SentencePiece, BuiltinClip };
    Kind kind = Kind::None;
    // BuiltinClip: the pad token: "<|endoftext|>" (SD 1.x, SDXL encoder 1) or "!" (id 0:
    // OpenCLIP, SD 2.x and SDXL encoder 2).
    std::string builtinPadToken = "<|endoftext|>";
    std::string vocabJson;          // ClipBpe: vocab.json
    std::string mergesTxt;          // ClipBpe: merges.txt
    std::string specialTokensMap;   // optional: special_tokens_map.json ("" when absent)
    std::string tokenizerConfig;    // optional: tokenizer_config.json ("" when absent)
    std::string sentencePieceModel; // SentencePiece: the .model file
    std::string directory;          // where they were found
};

// What the caller knows better than the file. Prediction type and clip skip overrides
// are applied by the pipeline (ModelOptions), not here.
struct CheckpointOptions
{
    // Tokenizer files (a tokenizer folder, or a diffusers folder holding tokenizer/). Used
    // instead of any tokenizer found with the model. For a single file, a diffusers folder
    // around it (DIR/..) is also a source of config.json files, see useSiblingConfigs.
    std::string tokenizerDir;
    // Head counts that the weights cannot tell (attention projections are [C, C] whatever
    // the head count). Override detection and any config file.
    std::optional<int> textEncoderHeads;
    std::optional<std::vector<int>> unetHeads; // one per down block, or one for all
    // Single file: read config.json files of a diffusers folder of the same model sitting
    // beside it (<dir>/<stem>/, or the folder above tokenizerDir) for the fields the weights
    // cannot tell (head counts, scheduler, ...), when it has a unet/config.json and the shape
    // fields of every config there agree with the weights (else the folder is ignored whole).
    bool useSiblingConfigs = true;
    // A diffusers folder's weight variant (diffusers' `variant=`, e.g. "lcm", "fp16"): each
    // component's variant files where it has them (io/ComponentWeights.h). An error for a
    // single file, or when no component has the variant. Empty: the plain weights.
    std::string variant;
};

struct Checkpoint
{
    std::string path;
    ModelConfig config;
    WeightSet unet{"unet"};
    WeightSet vae{"vae"};
    WeightSet textEncoder{"text_encoder"};
    WeightSet textEncoder2{"text_encoder_2"}; // SDXL (config.hasTextEncoder2)
    std::string layout;      // "diffusers folder" | "single-file (LDM)" | "single-file (SGM)"
    std::string storedDtype; // the weights' dtype in the files, e.g. "F16" (or "F16+F32")
    std::string variant;     // the weight variant read ("" = plain)
    std::vector<std::string> variants; // the variants a diffusers folder offers (sorted)
    TokenizerFiles tokenizer;
    TokenizerFiles tokenizer2; // SDXL: text_encoder_2's tokenizer
    // Kind::None: what to tell the user (the caller asks for --tokenizer DIR).
    std::string tokenizerMessage;
    // Guesses, fallbacks and ignored tensors, one line each, for `info` and logs.
    std::vector<std::string> notes;
};

} // namespace md

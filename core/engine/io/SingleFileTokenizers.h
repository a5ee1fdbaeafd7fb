#pragma once

// The tokenizers of a single-file checkpoint, which holds none: --tokenizer DIR, else a
// tokenizer/ (and for SDXL tokenizer_2/) folder beside the file or in a diffusers folder of
// the same model beside it (<dir>/<stem>/), else the CLIP BPE shipped with the app
// (TokenizerFiles::Kind::BuiltinClip) when the text encoder has CLIP's real 49408-token
// vocabulary: padding with "<|endoftext|>" for SD 1.x and SDXL's encoder 1, "!" (id 0,
// OpenCLIP's) for SD 2.x and SDXL's encoder 2. Otherwise Kind::None and
// Checkpoint::tokenizerMessage says what to pass. Internal to io/.

#include "engine/Status.h"
#include "engine/io/Checkpoint.h"

#include <string>

namespace md {

constexpr int kClipVocabularySize = 49408;

// Sets ckpt.tokenizer (and ckpt.tokenizer2 for SDXL), tokenizerMessage and notes; an error
// only for a --tokenizer DIR without usable files.
Status findSingleFileTokenizers(Checkpoint& ckpt, const std::string& path,
                                const CheckpointOptions& options);

} // namespace md

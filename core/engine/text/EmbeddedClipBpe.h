#pragma once

// The CLIP BPE merges shipped in resources/clip (OpenAI's bpe_simple_vocab_16e6.txt.gz, MIT),
// compiled into the engine: the built-in CLIP tokenizer needs no file at run time, from any
// build folder, installed or not.

#include <string_view>

namespace md {

// The gzip file's bytes, exactly as in resources/clip.
std::string_view embeddedClipBpeGz();

} // namespace md

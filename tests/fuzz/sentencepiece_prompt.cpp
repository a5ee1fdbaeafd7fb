// Fuzz target: a prompt (any bytes) through A1111-style weighting, the embedded model's
// sentencepiece tokenizer (resources/models/mds-tiny/tokenizer/spiece.model) and chunking.
// The tokenizer's module (libmd_spm_shim.so) is the main build's: MD_SPM_SHIM names it
// (the CMake project compiles its path in as the default).
#include "engine/text/PromptChunker.h"
#include "engine/text/SentencePieceTokenizer.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#ifndef MD_FUZZ_SPM_MODEL
#error "MD_FUZZ_SPM_MODEL must name a sentencepiece .model file"
#endif
#ifndef MD_FUZZ_SPM_SHIM
#define MD_FUZZ_SPM_SHIM ""
#endif

namespace {

std::shared_ptr<md::SentencePieceTokenizer> tokenizer;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    if (!std::getenv("MD_SPM_SHIM") && *MD_FUZZ_SPM_SHIM)
        setenv("MD_SPM_SHIM", MD_FUZZ_SPM_SHIM, 0);
    auto loaded = md::SentencePieceTokenizer::load(MD_FUZZ_SPM_MODEL);
    if (!loaded) {
        std::fprintf(stderr, "sentencepiece_prompt: %s\n", loaded.status().message().c_str());
        std::abort();
    }
    tokenizer = *loaded;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string prompt(reinterpret_cast<const char*>(data), size);
    const auto chunks = md::PromptChunker::chunkPrompt(*tokenizer, prompt);
    if (chunks.empty())
        std::abort();
    for (const md::TokenChunk& chunk : chunks) {
        if (int(chunk.ids.size()) != tokenizer->maxLength() ||
            chunk.weights.size() != chunk.ids.size())
            std::abort();
        for (int id : chunk.ids)
            if (id < 0 || id >= tokenizer->vocabSize())
                std::abort();
        (void)tokenizer->decode(chunk.ids);
    }
    return 0;
}

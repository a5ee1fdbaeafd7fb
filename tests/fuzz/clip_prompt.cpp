// Fuzz target: a prompt (any bytes) through A1111-style weighting (PromptParser), the CLIP
// BPE tokenizer built from the shipped merges (both pad-token variants: SD 1.x and
// OpenCLIP), chunking (PromptChunker) and decoding. Every chunk must be exactly
// maxLength() ids with one finite weight each, and every id must be in the vocabulary.
#include "engine/text/ClipTokenizer.h"
#include "engine/text/PromptChunker.h"
#include "engine/text/PromptParser.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

std::shared_ptr<md::ClipTokenizer> makeTokenizer(const char* pad)
{
    auto tokenizer = md::ClipTokenizer::fromBuiltinBpe(49408, pad);
    if (!tokenizer)
        std::abort();
    return *tokenizer;
}

void check(const md::Tokenizer& tokenizer, const std::string& prompt)
{
    for (const md::PromptSpan& span : md::PromptParser::parse(prompt))
        if (!std::isfinite(span.weight))
            std::abort();
    const auto chunks = md::PromptChunker::chunkPrompt(tokenizer, prompt);
    if (chunks.empty())
        std::abort();
    for (const md::TokenChunk& chunk : chunks) {
        if (int(chunk.ids.size()) != tokenizer.maxLength() ||
            chunk.weights.size() != chunk.ids.size())
            std::abort();
        for (int id : chunk.ids)
            if (id < 0 || id >= tokenizer.vocabSize())
                std::abort();
        (void)tokenizer.decode(chunk.ids);
    }
    (void)md::PromptChunker::countTokens(tokenizer, prompt);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const auto clip = makeTokenizer("<|endoftext|>");
    static const auto openClip = makeTokenizer("!");
    const std::string prompt(reinterpret_cast<const char*>(data), size);
    check(*clip, prompt);
    check(*openClip, prompt);
    return 0;
}

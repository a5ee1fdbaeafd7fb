#pragma once

// Weighted prompt spans -> encoder-sized token chunks, the way AUTOMATIC1111 handles long
// prompts (modules/sd_hijack_clip.py): each span is tokenized on its own and its tokens
// carry its weight; every chunkCapacity() (75) tokens start a new chunk; when a chunk fills
// up and a comma was among its last `commaBacktrack` tokens, the tokens after that comma
// move to the next chunk, so a phrase is not cut in half; BREAK closes the current chunk
// when it holds tokens (unlike A1111, a leading BREAK or a run of BREAKs adds no empty
// chunk: they cost nothing).
// Each chunk is framed like a single CLIP input: BOS, tokens, EOS, padId() up to
// maxLength() (77), with weight 1 on BOS, EOS and padding. The chunks are encoded one by
// one and their hidden states concatenated along the sequence axis.

#include "engine/text/PromptParser.h"
#include "engine/text/Tokenizer.h"

#include <string>
#include <vector>

namespace md {

struct TokenChunk
{
    std::vector<int> ids;       // exactly Tokenizer::maxLength() ids
    std::vector<float> weights; // one per id
};

class PromptChunker
{
public:
    static constexpr int kDefaultCommaBacktrack = 20; // A1111's default setting

    // At least one chunk: an empty prompt gives BOS, EOS, padding.
    static std::vector<TokenChunk> chunk(const Tokenizer& tokenizer,
                                         const std::vector<PromptSpan>& spans,
                                         int commaBacktrack = kDefaultCommaBacktrack);
    // PromptParser::parse, then chunk().
    static std::vector<TokenChunk> chunkPrompt(const Tokenizer& tokenizer,
                                               const std::string& prompt,
                                               int commaBacktrack = kDefaultCommaBacktrack);
    // The prompt's token count (weights and BREAK applied, no BOS/EOS/padding), e.g. for a
    // "37/75" display.
    static int countTokens(const Tokenizer& tokenizer, const std::string& prompt);
};

} // namespace md

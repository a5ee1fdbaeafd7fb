#include "engine/text/PromptChunker.h"

#include <algorithm>

namespace md {

namespace {

class ChunkBuilder
{
public:
    explicit ChunkBuilder(const Tokenizer& tokenizer) : m_tokenizer(tokenizer) {}

    // Frames the pending tokens as one chunk and starts an empty one.
    void finish()
    {
        const std::size_t length = std::size_t(std::max(0, m_tokenizer.maxLength()));
        TokenChunk chunk;
        chunk.ids.reserve(length);
        chunk.weights.reserve(length);
        if (m_tokenizer.bosId() >= 0) {
            chunk.ids.push_back(m_tokenizer.bosId());
            chunk.weights.push_back(1.0f);
        }
        chunk.ids.insert(chunk.ids.end(), ids.begin(), ids.end());
        chunk.weights.insert(chunk.weights.end(), weights.begin(), weights.end());
        chunk.ids.push_back(m_tokenizer.eosId());
        chunk.weights.push_back(1.0f);
        if (chunk.ids.size() < length) {
            chunk.ids.resize(length, m_tokenizer.padId());
            chunk.weights.resize(length, 1.0f);
        }
        chunks.push_back(std::move(chunk));
        ids.clear();
        weights.clear();
        lastComma = -1;
    }

    std::vector<TokenChunk> chunks;
    std::vector<int> ids; // the pending chunk's tokens
    std::vector<float> weights;
    long lastComma = -1; // index in `ids` of the last comma, -1: none

private:
    const Tokenizer& m_tokenizer;
};

} // namespace

std::vector<TokenChunk> PromptChunker::chunk(const Tokenizer& tokenizer,
                                             const std::vector<PromptSpan>& spans,
                                             int commaBacktrack)
{
    const std::size_t capacity = std::size_t(std::max(1, tokenizer.chunkCapacity()));
    const std::vector<int> commas = tokenizer.commaIds();
    ChunkBuilder builder(tokenizer);
    for (const PromptSpan& span : spans) {
        if (span.isBreak) {
            // Only a chunk with tokens is closed: leading and repeated BREAKs add no empty
            // chunk (A1111 adds one each; "BREAK " * 5000 cost 5000 encoder passes).
            if (!builder.ids.empty())
                builder.finish();
            continue;
        }
        for (int token : tokenizer.encode(span.text)) {
            if (std::find(commas.begin(), commas.end(), token) != commas.end()) {
                builder.lastComma = long(builder.ids.size());
            } else if (commaBacktrack > 0 && builder.ids.size() == capacity &&
                       builder.lastComma >= 0 &&
                       long(builder.ids.size()) - builder.lastComma <= commaBacktrack) {
                // Full, with a comma close behind: what follows the comma moves on.
                const std::size_t cut = std::size_t(builder.lastComma) + 1;
                std::vector<int> movedIds(builder.ids.begin() + long(cut), builder.ids.end());
                std::vector<float> movedWeights(builder.weights.begin() + long(cut),
                                                builder.weights.end());
                builder.ids.resize(cut);
                builder.weights.resize(cut);
                builder.finish();
                builder.ids = std::move(movedIds);
                builder.weights = std::move(movedWeights);
            }
            if (builder.ids.size() == capacity)
                builder.finish();
            builder.ids.push_back(token);
            builder.weights.push_back(span.weight);
        }
    }
    if (!builder.ids.empty() || builder.chunks.empty())
        builder.finish();
    return std::move(builder.chunks);
}

std::vector<TokenChunk> PromptChunker::chunkPrompt(const Tokenizer& tokenizer,
                                                   const std::string& prompt, int commaBacktrack)
{
    return chunk(tokenizer, PromptParser::parse(prompt), commaBacktrack);
}

int PromptChunker::countTokens(const Tokenizer& tokenizer, const std::string& prompt)
{
    std::size_t count = 0;
    for (const PromptSpan& span : PromptParser::parse(prompt)) {
        if (!span.isBreak)
            count += tokenizer.encode(span.text).size();
    }
    return int(count);
}

} // namespace md

// PromptChunker with the fixture's CLIP tokenizer: long prompts, weights, comma backtrack,
// BREAK. Expected ids are built from the tokenizer's own encode() of the pieces.

#include "engine/text/PromptChunker.h"

#include "engine/common/Fixtures.h"
#include "engine/text/ClipTokenizer.h"

#include <gtest/gtest.h>

namespace md {
namespace {

std::shared_ptr<ClipTokenizer> tokenizer()
{
    static std::shared_ptr<ClipTokenizer> tok = [] {
        auto loaded = ClipTokenizer::loadFolder(test::fixturePath("tiny-sd15/tokenizer"));
        EXPECT_TRUE(loaded.isOk()) << loaded.error();
        return loaded.isOk() ? *loaded : nullptr;
    }();
    return tok;
}

int single(const Tokenizer& tok, const std::string& word)
{
    const auto ids = tok.encode(word);
    EXPECT_EQ(ids.size(), 1u) << word << " should be one token in the fixture vocabulary";
    return ids.empty() ? -1 : ids[0];
}

std::string repeat(const std::string& word, int n)
{
    std::string out;
    for (int i = 0; i < n; ++i)
        out += word + " ";
    return out;
}

// BOS + content + EOS + pad, with weight 1 on the frame.
void expectFramed(const Tokenizer& tok, const TokenChunk& chunk, const std::vector<int>& content,
                  const std::vector<float>& contentWeights)
{
    ASSERT_EQ(chunk.ids.size(), 77u);
    ASSERT_EQ(chunk.weights.size(), 77u);
    ASSERT_LE(content.size(), 75u);
    std::vector<int> ids = {tok.bosId()};
    ids.insert(ids.end(), content.begin(), content.end());
    ids.push_back(tok.eosId());
    ids.resize(77, tok.padId());
    std::vector<float> weights = {1.0f};
    weights.insert(weights.end(), contentWeights.begin(), contentWeights.end());
    weights.resize(77, 1.0f);
    EXPECT_EQ(chunk.ids, ids);
    EXPECT_EQ(chunk.weights, weights);
}

TEST(PromptChunker, ShortPromptIsOneChunkLikeEncodeChunk)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const std::string prompt = "a photo of a red cat sitting on a wooden table";
    const auto chunks = PromptChunker::chunkPrompt(*tok, prompt);
    ASSERT_EQ(chunks.size(), 1u);
    EXPECT_EQ(chunks[0].ids, encodeChunk(*tok, prompt));
    EXPECT_EQ(chunks[0].weights, std::vector<float>(77, 1.0f));
}

TEST(PromptChunker, EmptyPromptIsOneFramedChunk)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const auto chunks = PromptChunker::chunkPrompt(*tok, "");
    ASSERT_EQ(chunks.size(), 1u);
    expectFramed(*tok, chunks[0], {}, {});
    EXPECT_EQ(chunks[0].ids, encodeChunk(*tok, ""));
}

TEST(PromptChunker, LongPromptSpillsIntoMoreChunks)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const int tower = single(*tok, "tower");
    const std::string prompt = repeat("tower", 120);
    ASSERT_EQ(PromptChunker::countTokens(*tok, prompt), 120);
    const auto chunks = PromptChunker::chunkPrompt(*tok, prompt);
    ASSERT_EQ(chunks.size(), 2u);
    expectFramed(*tok, chunks[0], std::vector<int>(75, tower), std::vector<float>(75, 1.0f));
    expectFramed(*tok, chunks[1], std::vector<int>(45, tower), std::vector<float>(45, 1.0f));

    // exactly 75 tokens still fit one chunk; 151 need three
    EXPECT_EQ(PromptChunker::chunkPrompt(*tok, repeat("tower", 75)).size(), 1u);
    EXPECT_EQ(PromptChunker::chunkPrompt(*tok, repeat("tower", 151)).size(), 3u);
}

TEST(PromptChunker, WeightsLandOnTheirTokens)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const auto a = tok->encode("a "), red = tok->encode("red"), ball = tok->encode(" ball");
    std::vector<int> content = a;
    content.insert(content.end(), red.begin(), red.end());
    content.insert(content.end(), ball.begin(), ball.end());
    std::vector<float> weights(a.size(), 1.0f);
    weights.insert(weights.end(), red.size(), 1.5f);
    weights.insert(weights.end(), ball.size(), 1.0f);
    const auto chunks = PromptChunker::chunkPrompt(*tok, "a (red:1.5) ball");
    ASSERT_EQ(chunks.size(), 1u);
    expectFramed(*tok, chunks[0], content, weights);

    const auto nested = PromptChunker::chunkPrompt(*tok, "((tower)) [tower]");
    ASSERT_EQ(nested.size(), 1u);
    EXPECT_FLOAT_EQ(nested[0].weights[1], float(1.1 * 1.1));
    EXPECT_FLOAT_EQ(nested[0].weights[2], float(1 / 1.1));
    EXPECT_FLOAT_EQ(nested[0].weights[3], 1.0f); // EOS
}

TEST(PromptChunker, CommaNearTheEndMovesThePhrase)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const int tower = single(*tok, "tower");
    const int comma = single(*tok, ",");
    // 70 towers, a comma, 10 towers: the chunk fills after the comma and 4 towers; those 4
    // are 5 tokens behind the comma (<= 20), so they move to the second chunk.
    const std::string prompt = repeat("tower", 70) + ", " + repeat("tower", 10);
    const auto chunks = PromptChunker::chunkPrompt(*tok, prompt);
    ASSERT_EQ(chunks.size(), 2u);
    std::vector<int> first(70, tower);
    first.push_back(comma);
    expectFramed(*tok, chunks[0], first, std::vector<float>(71, 1.0f));
    expectFramed(*tok, chunks[1], std::vector<int>(10, tower), std::vector<float>(10, 1.0f));

    // Disabled: a plain cut at 75.
    const auto plain = PromptChunker::chunkPrompt(*tok, prompt, 0);
    ASSERT_EQ(plain.size(), 2u);
    first.insert(first.end(), 4, tower);
    expectFramed(*tok, plain[0], first, std::vector<float>(75, 1.0f));
    expectFramed(*tok, plain[1], std::vector<int>(6, tower), std::vector<float>(6, 1.0f));
}

TEST(PromptChunker, CommaTooFarBackDoesNotMove)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const int tower = single(*tok, "tower");
    const int comma = single(*tok, ",");
    // comma at index 50: the chunk is full 25 tokens later (> 20): a plain cut.
    const std::string prompt = repeat("tower", 50) + ", " + repeat("tower", 30);
    const auto chunks = PromptChunker::chunkPrompt(*tok, prompt);
    ASSERT_EQ(chunks.size(), 2u);
    std::vector<int> first(50, tower);
    first.push_back(comma);
    first.insert(first.end(), 24, tower);
    expectFramed(*tok, chunks[0], first, std::vector<float>(75, 1.0f));
    expectFramed(*tok, chunks[1], std::vector<int>(6, tower), std::vector<float>(6, 1.0f));
}

TEST(PromptChunker, BreakStartsANewChunk)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    const auto chunks = PromptChunker::chunkPrompt(*tok, "a red cat BREAK (a tower)");
    ASSERT_EQ(chunks.size(), 2u);
    const auto cat = tok->encode("a red cat");
    const auto tower = tok->encode("a tower");
    expectFramed(*tok, chunks[0], cat, std::vector<float>(cat.size(), 1.0f));
    expectFramed(*tok, chunks[1], tower, std::vector<float>(tower.size(), 1.1f));
    // a trailing BREAK adds no empty chunk, nor does a leading one (A1111 gives an empty first
    // chunk there; issue 17: BREAKs and empty chunks cost nothing)
    EXPECT_EQ(PromptChunker::chunkPrompt(*tok, "a red cat BREAK").size(), 1u);
    const auto leading = PromptChunker::chunkPrompt(*tok, "BREAK a red cat");
    ASSERT_EQ(leading.size(), 1u);
    expectFramed(*tok, leading[0], cat, std::vector<float>(cat.size(), 1.0f));
}

TEST(PromptChunker, RunsOfBreaksCollapse)
{
    auto tok = tokenizer();
    ASSERT_TRUE(tok);
    std::string breaks;
    for (int i = 0; i < 5000; ++i)
        breaks += "BREAK ";
    EXPECT_EQ(PromptChunker::chunkPrompt(*tok, breaks).size(), 1u); // one empty chunk
    expectFramed(*tok, PromptChunker::chunkPrompt(*tok, breaks)[0], {}, {});
    const auto two =
        PromptChunker::chunkPrompt(*tok, "a red cat " + breaks + "(a tower) " + breaks);
    ASSERT_EQ(two.size(), 2u);
    const auto cat = tok->encode("a red cat");
    const auto tower = tok->encode("a tower");
    expectFramed(*tok, two[0], cat, std::vector<float>(cat.size(), 1.0f));
    expectFramed(*tok, two[1], tower, std::vector<float>(tower.size(), 1.1f));
    EXPECT_EQ(PromptChunker::chunkPrompt(*tok, "BREAK BREAK BREAK").size(), 1u);
}

} // namespace
} // namespace md

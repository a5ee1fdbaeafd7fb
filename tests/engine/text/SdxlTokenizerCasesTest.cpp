// The tiny SDXL fixture's two tokenizers (tokenizer/ pads with <|endoftext|>, tokenizer_2/
// with "!" = id 0) against Hugging Face's ids in sdxl/tiny-sdxl-tokenizer-cases.json, through
// the framing the engine uses (encodeChunk and PromptChunker).

#include "engine/common/Fixtures.h"
#include "engine/text/ClipTokenizer.h"
#include "engine/text/PromptChunker.h"

#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

std::shared_ptr<ClipTokenizer> sdxlTokenizer(const std::string& folder)
{
    auto loaded = ClipTokenizer::loadFolder(test::fixturePath("sdxl/tiny-sdxl/" + folder));
    EXPECT_TRUE(loaded.isOk()) << loaded.error();
    return loaded.isOk() ? *loaded : nullptr;
}

nlohmann::json tokenizerCases()
{
    std::ifstream in(test::fixturePath("sdxl/tiny-sdxl-tokenizer-cases.json"));
    EXPECT_TRUE(in) << "missing fixture sdxl/tiny-sdxl-tokenizer-cases.json";
    return in ? nlohmann::json::parse(in) : nlohmann::json::array();
}

TEST(SdxlTokenizerCases, BothTokenizersMatchEveryCaseExactly)
{
    auto tok1 = sdxlTokenizer("tokenizer");
    auto tok2 = sdxlTokenizer("tokenizer_2");
    ASSERT_TRUE(tok1 && tok2);
    EXPECT_EQ(tok1->padId(), tok1->eosId());
    EXPECT_EQ(tok2->padId(), 0);
    EXPECT_EQ(tok2->eosId(), tok1->eosId());

    const nlohmann::json cases = tokenizerCases();
    ASSERT_GE(cases.size(), 5u);
    const std::pair<std::shared_ptr<ClipTokenizer>, const char*> encoders[] = {{tok1, "ids"},
                                                                               {tok2, "ids_2"}};
    for (const auto& [tok, key] : encoders) {
        for (const auto& c : cases) {
            const std::string text = c["text"].get<std::string>();
            const std::vector<int> expected = c[key].get<std::vector<int>>();
            ASSERT_EQ(expected.size(), 77u);
            EXPECT_EQ(encodeChunk(*tok, text), expected) << key << ", text: " << text;
            // The engine's path: prompt syntax, then 75-token chunks framed to 77 ids. The
            // texts have no weighting syntax; the first chunk is the reference (the
            // reference truncates a long text, the engine carries on in more chunks).
            const auto chunks = PromptChunker::chunkPrompt(*tok, text);
            ASSERT_FALSE(chunks.empty());
            EXPECT_EQ(chunks[0].ids, expected) << key << " (PromptChunker), text: " << text;
        }
    }
}

} // namespace
} // namespace md

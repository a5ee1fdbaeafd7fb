// The shipped tokenizer of the embedded model: every vocabulary word is one piece, the
// special ids are the ones the configs declare, and prompts are case-insensitive.

#include "engine/common/Fixtures.h"
#include "engine/text/SentencePieceTokenizer.h"
#include "training/SceneVocabulary.h"

#include <gtest/gtest.h>

namespace md {
namespace {

std::string modelPath()
{
    return test::sourcePath("resources/models/mds-tiny/tokenizer/spiece.model");
}

TEST(EmbeddedTokenizer, SpecialIds)
{
    auto tok = SentencePieceTokenizer::load(modelPath());
    ASSERT_TRUE(tok.isOk()) << tok.error();
    EXPECT_EQ((*tok)->padId(), 0);
    EXPECT_EQ((*tok)->unkId(), 1);
    EXPECT_EQ((*tok)->bosId(), 2);
    EXPECT_EQ((*tok)->eosId(), 3);
    EXPECT_LE((*tok)->vocabSize(), 256);
    auto chunk = encodeChunk(**tok, "a red ball");
    ASSERT_EQ(chunk.size(), 77u);
    EXPECT_EQ(chunk[0], 2);
    EXPECT_EQ(chunk[4], 3);
    EXPECT_EQ(chunk[5], 0);
}

TEST(EmbeddedTokenizer, EveryWordIsOnePieceAndKnown)
{
    auto tok = SentencePieceTokenizer::load(modelPath());
    ASSERT_TRUE(tok.isOk()) << tok.error();
    for (const std::string& word : SceneVocabulary::words()) {
        if (word == ",")
            continue;
        auto ids = (*tok)->encode(word);
        EXPECT_EQ(ids.size(), 1u) << word;
        for (int id : ids)
            EXPECT_NE(id, (*tok)->unkId()) << word;
    }
    EXPECT_EQ((*tok)->encode("A Yellow SUN"), (*tok)->encode("a yellow sun"));
}

} // namespace
} // namespace md

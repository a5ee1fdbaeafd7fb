// The CLIP tokenizer against Hugging Face's ids (fixtures/tiny-sd15-tokenizer-cases.json),
// and its parts on their own.

#include "engine/text/ClipTokenizer.h"

#include "engine/common/Fixtures.h"
#include "engine/text/ClipPreTokenizer.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace md {
namespace {

std::shared_ptr<ClipTokenizer> fixtureTokenizer()
{
    static std::shared_ptr<ClipTokenizer> tokenizer = [] {
        auto loaded = ClipTokenizer::loadFolder(test::fixturePath("tiny-sd15/tokenizer"));
        EXPECT_TRUE(loaded.isOk()) << loaded.error();
        return loaded.isOk() ? *loaded : nullptr;
    }();
    return tokenizer;
}

std::vector<int> concat(std::initializer_list<std::vector<int>> parts)
{
    std::vector<int> out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

int vocabId(const ClipTokenizer& tok, const std::string& token)
{
    const int id = tok.bpe().tokenId(token);
    EXPECT_GE(id, 0) << "token " << token << " is not in the fixture vocabulary";
    return id;
}

TEST(ClipTokenizer, MatchesEveryReferenceCaseExactly)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    std::ifstream in(test::fixturePath("tiny-sd15-tokenizer-cases.json"));
    ASSERT_TRUE(in) << "missing fixture tiny-sd15-tokenizer-cases.json";
    const auto cases = nlohmann::json::parse(in);
    ASSERT_GE(cases.size(), 6u);
    for (const auto& c : cases) {
        const std::string text = c["text"].get<std::string>();
        const std::vector<int> expected = c["ids"].get<std::vector<int>>();
        ASSERT_EQ(expected.size(), 77u);
        EXPECT_EQ(encodeChunk(*tok, text), expected) << "text: " << text;
    }
}

TEST(ClipTokenizer, SpecialIdsAndSizesFromTheTokenizerFiles)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->bosId(), vocabId(*tok, "<|startoftext|>"));
    EXPECT_EQ(tok->eosId(), vocabId(*tok, "<|endoftext|>"));
    EXPECT_EQ(tok->padId(), tok->eosId()); // SD 1.x pads with EOS
    EXPECT_EQ(tok->unkId(), tok->eosId());
    EXPECT_EQ(tok->maxLength(), 77);
    EXPECT_EQ(tok->chunkCapacity(), 75);
    EXPECT_EQ(tok->kindName(), "CLIP BPE");
    EXPECT_EQ(tok->vocabSize(), 1102); // fixtures/README.md
    EXPECT_EQ(tok->bpe().skippedMerges(), 0);
    EXPECT_EQ(tok->commaIds(), std::vector<int>{vocabId(*tok, ",</w>")});
}

TEST(ClipTokenizer, PadTokenComesFromSpecialTokensMap)
{
    // An SD 2.x-style tokenizer folder: the same files, but "!" as the pad token.
    const std::string dir = test::tempPath("sd2-tokenizer");
    std::filesystem::create_directories(dir);
    const std::string src = test::fixturePath("tiny-sd15/tokenizer/");
    for (const char* name : {"vocab.json", "merges.txt", "tokenizer_config.json"})
        std::filesystem::copy_file(src + name, dir + "/" + name);
    std::ofstream(dir + "/special_tokens_map.json")
        << R"({"bos_token": {"content": "<|startoftext|>", "lstrip": false},
              "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "!"})";
    auto loaded = ClipTokenizer::loadFolder(dir);
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    auto tok = *loaded;
    EXPECT_EQ(tok->padId(), vocabId(*tok, "!"));
    EXPECT_EQ(tok->padId(), 0);
    const auto ids = encodeChunk(*tok, "a cat");
    const auto body = tok->encode("a cat");
    ASSERT_EQ(ids.size(), 77u);
    EXPECT_EQ(ids[0], tok->bosId());
    EXPECT_EQ(ids[1 + body.size()], tok->eosId());
    for (std::size_t i = 2 + body.size(); i < 77; ++i)
        EXPECT_EQ(ids[i], 0);
    // As in transformers, the pad token is special: every "!" is cut out as that id.
    EXPECT_EQ(tok->encode("wow!!"), concat({tok->encode("wow"), {0, 0}}));
}

TEST(ClipTokenizer, LoadErrorsNameTheFile)
{
    auto missing = ClipTokenizer::loadFolder(test::tempPath("no-such-tokenizer"));
    ASSERT_FALSE(missing.isOk());
    EXPECT_NE(missing.error().find("no-such-tokenizer"), std::string::npos);

    const std::string dir = test::tempPath("bad-tokenizer");
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/vocab.json") << "{\"a\": 1,";
    std::ofstream(dir + "/merges.txt") << "#version: 0.2\na b\n";
    auto badJson = ClipTokenizer::loadFolder(dir);
    ASSERT_FALSE(badJson.isOk());
    EXPECT_NE(badJson.error().find("vocab.json"), std::string::npos) << badJson.error();

    std::ofstream(dir + "/vocab.json") << R"({"a": 0, "b": 1, "<|startoftext|>": 2})";
    auto noEos = ClipTokenizer::loadFolder(dir);
    ASSERT_FALSE(noEos.isOk());
    EXPECT_NE(noEos.error().find("<|endoftext|>"), std::string::npos) << noEos.error();

    std::ofstream(dir + "/vocab.json") << R"({"a": 0, "<|startoftext|>": 1, "<|endoftext|>": 2})";
    std::ofstream(dir + "/merges.txt") << "#version: 0.2\na b c\n";
    auto badMerges = ClipTokenizer::loadFolder(dir);
    ASSERT_FALSE(badMerges.isOk());
    EXPECT_NE(badMerges.error().find("line 2"), std::string::npos) << badMerges.error();
}

TEST(ClipTokenizer, CaseAndWhitespaceDoNotMatter)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->encode("Red CAT"), tok->encode("red cat"));
    EXPECT_EQ(tok->encode("  red \t\n cat  "), tok->encode("red cat"));
    EXPECT_EQ(tok->encode("red\xC2\xA0\xE3\x80\x80"
                          "cat"),
              tok->encode("red cat")); // NBSP, ideographic
    EXPECT_TRUE(tok->encode("").empty());
    EXPECT_TRUE(tok->encode(" \t ").empty());
}

TEST(ClipTokenizer, DigitsAreSplitOneByOne)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->encode("2024"),
              concat({tok->encode("2"), tok->encode("0"), tok->encode("2"), tok->encode("4")}));
    EXPECT_EQ(tok->encode("8k"), concat({tok->encode("8"), tok->encode("k")}));
    EXPECT_EQ(tok->encode("2"), std::vector<int>{vocabId(*tok, "2</w>")});
}

TEST(ClipTokenizer, ContractionsAreTheirOwnPieces)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->encode("it's"), concat({tok->encode("it"), tok->encode("'s")}));
    EXPECT_EQ(tok->encode("WE'LL"), concat({tok->encode("we"), tok->encode("'ll")}));
    EXPECT_EQ(tok->encode("'s"), (std::vector<int>{vocabId(*tok, "'"), vocabId(*tok, "s</w>")}));
}

TEST(ClipTokenizer, AccentsComposeAndEmojiAreBytes)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    // "e" + COMBINING ACUTE is NFC-composed to "é" before tokenizing, as transformers does.
    EXPECT_EQ(tok->encode("cafe\xCC\x81"), tok->encode("caf\xC3\xA9"));
    // Upper-case accented letters lower-case fully (not only ASCII).
    EXPECT_EQ(tok->encode("CAF\xC3\x89"), tok->encode("caf\xC3\xA9"));
    // An emoji is one "other" piece, byte-encoded: its 4 UTF-8 bytes, the last with </w>.
    const auto& bytes = BytePairEncoder::byteToUnicode();
    const std::string smile = "\xF0\x9F\x98\x80";
    std::vector<int> expected;
    for (std::size_t i = 0; i < smile.size(); ++i)
        expected.push_back(vocabId(*tok, bytes[static_cast<unsigned char>(smile[i])] +
                                             (i + 1 == smile.size() ? "</w>" : "")));
    // (the fixture's merge table has no merges among these bytes)
    EXPECT_EQ(tok->encode(smile), expected);
    EXPECT_EQ(tok->decode(tok->encode("caf\xC3\xA9 " + smile + " ok")),
              "caf\xC3\xA9 " + smile + " ok");
}

TEST(ClipTokenizer, SpecialTokensInTheTextMapToTheirIds)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->encode("a<|endoftext|>b"),
              concat({tok->encode("a"), {tok->eosId()}, tok->encode("b")}));
    EXPECT_EQ(tok->encode("<|startoftext|>"), std::vector<int>{tok->bosId()});
}

TEST(ClipTokenizer, HtmlEntitiesOnlyOnRequest)
{
    EXPECT_EQ(ClipPreTokenizer::htmlUnescape("a &amp; b &lt;3 &#233;&#xE9; &bogus;"),
              "a & b <3 \xC3\xA9\xC3\xA9 &bogus;");
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    EXPECT_NE(tok->encode("salt &amp; pepper"), tok->encode("salt & pepper"));
    ClipTokenizerOptions options;
    options.htmlUnescape = true;
    auto openai = ClipTokenizer::loadFolder(test::fixturePath("tiny-sd15/tokenizer"), options);
    ASSERT_TRUE(openai.isOk()) << openai.error();
    EXPECT_EQ((*openai)->encode("salt &amp;amp; pepper"), tok->encode("salt & pepper"));
}

TEST(ClipTokenizer, TruncatesLongPromptsToOneChunk)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    std::string text;
    for (int i = 0; i < 100; ++i)
        text += "cat ";
    const auto body = tok->encode(text);
    ASSERT_EQ(body.size(), 100u);
    const auto ids = encodeChunk(*tok, text);
    ASSERT_EQ(ids.size(), 77u);
    EXPECT_EQ(ids.front(), tok->bosId());
    EXPECT_EQ(ids.back(), tok->eosId());
    EXPECT_EQ(std::vector<int>(ids.begin() + 1, ids.end() - 1),
              std::vector<int>(body.begin(), body.begin() + 75));
}

TEST(ClipTokenizer, ConcurrentEncodesAgree)
{
    auto tok = fixtureTokenizer();
    ASSERT_TRUE(tok);
    const std::vector<std::string> texts = {"a photo of a red cat", "sunset over the ocean",
                                            "watercolor painting, 8k", "caf\xC3\xA9 na\xC3\xAFve"};
    std::vector<std::vector<int>> expected;
    for (const auto& t : texts)
        expected.push_back(tok->encode(t));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const std::size_t k = std::size_t(t + i) % texts.size();
                if (tok->encode(texts[k] + " " + std::to_string(i % 7)) !=
                    concat({expected[k], tok->encode(std::to_string(i % 7))}))
                    ++mismatches;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(ClipPreTokenizer, SplitFollowsThePatternOrder)
{
    auto split = [](const std::string& s) {
        return ClipPreTokenizer::split(ClipPreTokenizer::normalize(s));
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(split("Hello, World!!"), (V{"hello", ",", "world", "!!"}));
    EXPECT_EQ(split("f1.8 (masterpiece:1.2)"),
              (V{"f", "1", ".", "8", "(", "masterpiece", ":", "1", ".", "2", ")"}));
    EXPECT_EQ(split("don't we'd"), (V{"don", "'t", "we", "'d"}));
    EXPECT_EQ(split("'sun"), (V{"'s", "un"})); // the contraction wins at "'"
    EXPECT_EQ(split("!'s"), (V{"!'", "s"}));   // ...but a punctuation run is greedy
    EXPECT_EQ(split("x<|endoftext|>y"), (V{"x", "<|endoftext|>", "y"}));
    EXPECT_EQ(split("\xC3\x9C"
                    "BER na\xC3\xAFve"),
              (V{"\xC3\xBC"
                 "ber",
                 "na\xC3\xAFve"}));
    EXPECT_EQ(split("\xE2\x80\x94 \xF0\x9F\x98\x80!"), (V{"\xE2\x80\x94", "\xF0\x9F\x98\x80!"}));
    EXPECT_EQ(split("\xD9\xA3\xC2\xB2"),
              (V{"\xD9\xA3", "\xC2\xB2"})); // Arabic-Indic 3, superscript 2
    EXPECT_EQ(split("\xE6\x97\xA5\xE6\x9C\xAC"), (V{"\xE6\x97\xA5\xE6\x9C\xAC"})); // CJK letters
    EXPECT_TRUE(split("   ").empty());
}

} // namespace
} // namespace md

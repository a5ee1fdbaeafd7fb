// The CLIP tokenizer built from the CLIP BPE merges shipped in resources/clip (for single-file
// checkpoints with no tokenizer). The expected ids of the full vocabulary are those of OpenAI
// CLIP / Hugging Face's openai/clip-vit-large-patch14 tokenizer for these texts.

#include "engine/common/Fixtures.h"
#include "engine/text/ClipBpeVocabulary.h"
#include "engine/text/ClipTokenizer.h"
#include "engine/text/EmbeddedClipBpe.h"
#include "engine/text/GzipInflate.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace md {
namespace {

std::shared_ptr<ClipTokenizer> builtin(int vocabSize, const std::string& pad)
{
    auto loaded = ClipTokenizer::fromBuiltinBpe(vocabSize, pad);
    EXPECT_TRUE(loaded.isOk()) << loaded.error();
    return loaded.isOk() ? *loaded : nullptr;
}

std::shared_ptr<ClipTokenizer> fullSd15()
{
    static std::shared_ptr<ClipTokenizer> tok = builtin(49408, "<|endoftext|>");
    return tok;
}

std::vector<int> framed(std::vector<int> ids, int pad)
{
    ids.resize(77, pad);
    return ids;
}

std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

TEST(BuiltinClipTokenizer, EmbedsTheShippedFile)
{
    const std::string onDisk =
        readBytes(test::sourcePath("resources/clip/bpe_simple_vocab_16e6.txt.gz"));
    ASSERT_EQ(onDisk.size(), 1356917u);
    EXPECT_TRUE(embeddedClipBpeGz() == onDisk);
    auto text = inflateGzip(embeddedClipBpeGz());
    ASSERT_TRUE(text.isOk()) << text.error();
    // OpenAI's first line carries the file name before the version; the merges follow.
    EXPECT_EQ(text->rfind("\"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\nt h\n", 0), 0u);
    EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 262145);
}

TEST(BuiltinClipTokenizer, GivesTheIdsOfRealClip)
{
    auto tok = fullSd15();
    ASSERT_TRUE(tok);
    EXPECT_EQ(
        encodeChunk(*tok, "a photo of an astronaut riding a horse on mars"),
        framed({49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407}, 49407));
    EXPECT_EQ(
        encodeChunk(*tok, "Apple CoreML developer tools on a Macbook Air are fast"),
        framed({49406, 3055, 19622, 5780, 10929, 5771, 525, 320, 20617, 1922, 631, 1953, 49407},
               49407));
    EXPECT_EQ(tok->encode("a photo of a cat"), (std::vector<int>{320, 1125, 539, 320, 2368}));
    EXPECT_EQ(tok->encode("the black dog"), (std::vector<int>{518, 1449, 1929}));
    // "!" is an ordinary token here ("!</w>" = 256); digits are split one by one.
    EXPECT_EQ(tok->encode("Hello, World! 123"),
              (std::vector<int>{3306, 267, 1002, 256, 272, 273, 274}));
}

TEST(BuiltinClipTokenizer, SpecialIdsAndSizes)
{
    auto tok = fullSd15();
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->bosId(), 49406);
    EXPECT_EQ(tok->eosId(), 49407);
    EXPECT_EQ(tok->padId(), 49407);
    EXPECT_EQ(tok->unkId(), 49407);
    EXPECT_EQ(tok->vocabSize(), 49408);
    EXPECT_EQ(tok->maxLength(), 77);
    EXPECT_EQ(tok->bpe().mergeCount(), 48894);
    EXPECT_EQ(tok->bpe().skippedMerges(), 0);
    EXPECT_EQ(tok->bpe().tokenText(0), "!");
    EXPECT_EQ(tok->bpe().tokenText(256), "!</w>");
    EXPECT_EQ(tok->bpe().tokenText(49406), "<|startoftext|>");
    EXPECT_NE(tok->kindName().find("shipped"), std::string::npos) << tok->kindName();
    EXPECT_EQ(tok->encode("<|startoftext|>x<|endoftext|>"), (std::vector<int>{49406, 343, 49407}));
    EXPECT_EQ(tok->decode(tok->encode("A photo of an Astronaut, 8k!")),
              "a photo of an astronaut , 8 k !");
}

TEST(BuiltinClipTokenizer, OpenClipPadsWithBangAsASpecialToken)
{
    auto tok = builtin(49408, "!");
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->padId(), 0);
    EXPECT_EQ(tok->eosId(), 49407);
    // As with Hugging Face's SD 2.x / SDXL encoder-2 tokenizers: every "!" becomes id 0.
    EXPECT_EQ(tok->encode("Hello, World! 123"),
              (std::vector<int>{3306, 267, 1002, 0, 272, 273, 274}));
    EXPECT_EQ(tok->encode("wow!!"), (std::vector<int>{2781, 0, 0}));
    EXPECT_EQ(encodeChunk(*tok, "a photo of a cat"),
              framed({49406, 320, 1125, 539, 320, 2368, 49407}, 0));
}

TEST(BuiltinClipTokenizer, CutToASmallerVocabulary)
{
    auto tok = builtin(1102, "<|endoftext|>");
    ASSERT_TRUE(tok);
    EXPECT_EQ(tok->vocabSize(), 1102);
    EXPECT_EQ(tok->bpe().mergeCount(), 588);
    EXPECT_EQ(tok->bosId(), 1100);
    EXPECT_EQ(tok->eosId(), 1101);
    EXPECT_EQ(tok->padId(), 1101);
    auto full = fullSd15();
    ASSERT_TRUE(full);
    for (int id = 0; id < 1100; ++id)
        ASSERT_EQ(tok->bpe().tokenText(id), full->bpe().tokenText(id)) << "id " << id;
    const std::string text = "A photo of an astronaut riding a horse on Mars, été café 🦊, "
                             "masterpiece!! <|endoftext|> 2024 \xE4\xB8\xAD\xE6\x96\x87";
    const std::vector<int> ids = tok->encode(text);
    for (int id : ids)
        EXPECT_LT(id, 1102);
    EXPECT_GT(ids.size(), full->encode(text).size()); // fewer merges: more, shorter tokens
    EXPECT_EQ(tok->decode(encodeChunk(*tok, "Cut, but complete")), "cut , but complete");

    auto bang = builtin(1102, "!");
    ASSERT_TRUE(bang);
    EXPECT_EQ(encodeChunk(*bang, "hi").back(), 0);
    // The smallest vocabulary: bytes only.
    auto bytes = builtin(514, "<|endoftext|>");
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->encode("cat"), (std::vector<int>{66, 64, 339})); // c, a, "t</w>"
    EXPECT_EQ(bytes->bosId(), 512);
}

TEST(BuiltinClipTokenizer, RefusesVocabularySizesItCannotBuild)
{
    for (int size : {0, 513, 49409, 250000}) {
        auto tok = ClipTokenizer::fromBuiltinBpe(size);
        ASSERT_FALSE(tok.isOk()) << size;
        EXPECT_NE(tok.error().find("between 514 and 49408"), std::string::npos) << tok.error();
        EXPECT_NE(tok.error().find(std::to_string(size)), std::string::npos) << tok.error();
    }
    auto badPad = ClipTokenizer::fromBuiltinBpe(49408, "<pad>");
    ASSERT_FALSE(badPad.isOk());
    EXPECT_NE(badPad.error().find("<pad>"), std::string::npos) << badPad.error();
}

TEST(BuiltinClipTokenizer, VocabularyRuleRebuildsTheFixtureVocabJson)
{
    // The fixture's vocab.json (written by transformers) follows the same rule.
    const std::string dir = test::fixturePath("sdxl/tiny-sdxl/tokenizer/");
    const std::string merges = readBytes(dir + "merges.txt");
    ASSERT_FALSE(merges.empty());
    auto built = ClipBpeVocabulary::fromMergesText(merges, 1102, "merges.txt");
    ASSERT_TRUE(built.isOk()) << built.error();
    std::ifstream in(dir + "vocab.json");
    const auto expected = nlohmann::json::parse(in).get<std::unordered_map<std::string, int>>();
    EXPECT_EQ(built->vocab, expected);

    auto tooFew = ClipBpeVocabulary::fromMergesText(merges, 1103, "merges.txt");
    ASSERT_FALSE(tooFew.isOk());
    EXPECT_NE(tooFew.error().find("588 merges"), std::string::npos) << tooFew.error();
}

TEST(BuiltinClipTokenizer, CorruptGzipIsAnError)
{
    std::string gz(embeddedClipBpeGz().substr(0, 1000));
    EXPECT_FALSE(inflateGzip(gz).isOk());
    gz[20] = char(gz[20] ^ 0x55);
    EXPECT_FALSE(inflateGzip(gz).isOk());
    EXPECT_FALSE(inflateGzip("not gzip at all").isOk());
}

TEST(BuiltinClipTokenizer, EncodersWithTheSameSizeAreShared)
{
    auto a = builtin(49408, "<|endoftext|>");
    auto b = builtin(49408, "!"); // SDXL's two encoders
    auto c = builtin(1102, "!");
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(&a->bpe(), &b->bpe());
    EXPECT_NE(&a->bpe(), &c->bpe());
    EXPECT_EQ(a->padId(), 49407);
    EXPECT_EQ(b->padId(), 0);
}

TEST(BuiltinClipTokenizer, BuildsQuickly)
{
    // It runs on every load of a single-file checkpoint with no encoder alive to share.
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto vocabulary = ClipBpeVocabulary::builtin(49408);
    ASSERT_TRUE(vocabulary.isOk()) << vocabulary.error();
    BytePairEncoder encoder(std::move(vocabulary->vocab), vocabulary->merges, 49407);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    EXPECT_EQ(encoder.mergeCount(), 48894);
    std::cout << "built the 49408-token CLIP BPE encoder in " << ms << " ms\n";
    EXPECT_LT(ms, 1000.0); // ~25 ms on the 2-core CI machine; generous for loaded machines
}

} // namespace
} // namespace md

// SentencePieceTokenizer on tiny models trained here, on a small caption corpus.

#include "engine/text/SentencePieceTokenizer.h"

#include "engine/common/Fixtures.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

namespace md {
namespace {

const std::vector<std::string>& captions()
{
    static const std::vector<std::string> lines = [] {
        const char* colours[] = {"red", "blue", "green", "yellow", "white", "black", "orange"};
        const char* things[] = {"cat", "house", "tree", "boat", "mountain", "flower", "bird"};
        const char* places[] = {"on a hill",     "by the sea", "in a forest",
                                "under the sky", "at night",   "in the snow"};
        std::vector<std::string> out;
        for (const char* c : colours) {
            for (const char* t : things) {
                for (const char* p : places)
                    out.push_back(std::string("a ") + c + " " + t + " " + p + ", detailed");
            }
        }
        return out;
    }();
    return lines;
}

// Trains a unigram model once per argument set; returns the .model path.
std::string trainModel(const std::string& name, const std::string& extraArgs)
{
    // Per process: ctest runs this file's tests in parallel processes, which raced on one
    // corpus (one truncating it while another trained: "!sentences_.empty()").
    const std::string dir =
        test::tempPath("spm-" + name + "-" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(dir);
    {
        std::ofstream corpus(dir + "/corpus.txt");
        for (const auto& line : captions())
            corpus << line << "\n";
    }
    const auto start = std::chrono::steady_clock::now();
    const Status status = SentencePieceTokenizer::train(
        "--input=" + dir + "/corpus.txt --model_prefix=" + dir +
        "/m --model_type=unigram --vocab_size=80 --hard_vocab_limit=false "
        "--character_coverage=1.0 --num_threads=1 --minloglevel=2 " +
        extraArgs);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(status.isOk()) << status.message();
    EXPECT_LT(seconds, 5.0) << "training the tiny model should take well under a second";
    return dir + "/m.model";
}

const std::string& fullModel()
{
    static const std::string path =
        trainModel("full", "--unk_id=0 --bos_id=1 --eos_id=2 --pad_id=3");
    return path;
}

const std::string& bareModel()
{
    // sentencepiece's defaults for pad (none); no BOS either.
    static const std::string path = trainModel("bare", "--unk_id=0 --bos_id=-1 --eos_id=1");
    return path;
}

TEST(SentencePieceTokenizer, SpecialIdsComeFromTheModel)
{
    auto loaded = SentencePieceTokenizer::load(fullModel());
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    auto tok = *loaded;
    EXPECT_EQ(tok->unkId(), 0);
    EXPECT_EQ(tok->bosId(), 1);
    EXPECT_EQ(tok->eosId(), 2);
    EXPECT_EQ(tok->padId(), 3);
    EXPECT_EQ(tok->piece(1), "<s>");
    EXPECT_EQ(tok->piece(2), "</s>");
    EXPECT_EQ(tok->kindName(), "sentencepiece");
    EXPECT_EQ(tok->maxLength(), 77);
    EXPECT_EQ(tok->chunkCapacity(), 75);
    EXPECT_GT(tok->vocabSize(), 20);
    EXPECT_LE(tok->vocabSize(), 80);
}

TEST(SentencePieceTokenizer, EncodeDecodeRoundTrip)
{
    auto loaded = SentencePieceTokenizer::load(fullModel());
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    auto tok = *loaded;
    std::vector<std::string> texts = {captions().front(), captions().back(), captions()[100],
                                      "a green bird by the hill, detailed",
                                      "yellow mountains at night"};
    for (const auto& text : texts) {
        const auto ids = tok->encode(text);
        ASSERT_FALSE(ids.empty()) << text;
        for (int id : ids) {
            EXPECT_NE(id, tok->bosId());
            EXPECT_NE(id, tok->eosId());
            EXPECT_NE(id, tok->padId());
        }
        EXPECT_EQ(tok->decode(ids), text);
    }
    EXPECT_TRUE(tok->encode("").empty());

    const auto body = tok->encode("a red cat on a hill");
    const auto chunk = encodeChunk(*tok, "a red cat on a hill");
    ASSERT_EQ(chunk.size(), 77u);
    EXPECT_EQ(chunk[0], 1);
    EXPECT_EQ(std::vector<int>(chunk.begin() + 1, chunk.begin() + 1 + long(body.size())), body);
    EXPECT_EQ(chunk[1 + body.size()], 2);
    for (std::size_t i = 2 + body.size(); i < chunk.size(); ++i)
        EXPECT_EQ(chunk[i], 3);
}

TEST(SentencePieceTokenizer, WithoutPadOrBosPadsWithEos)
{
    auto loaded = SentencePieceTokenizer::load(bareModel(), 16);
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    auto tok = *loaded;
    EXPECT_EQ(tok->bosId(), -1);
    EXPECT_EQ(tok->eosId(), 1);
    EXPECT_EQ(tok->padId(), tok->eosId());
    EXPECT_EQ(tok->maxLength(), 16);
    EXPECT_EQ(tok->chunkCapacity(), 15);
    const auto body = tok->encode("a red cat");
    const auto chunk = encodeChunk(*tok, "a red cat");
    ASSERT_EQ(chunk.size(), 16u);
    EXPECT_EQ(std::vector<int>(chunk.begin(), chunk.begin() + long(body.size())), body);
    for (std::size_t i = body.size(); i < chunk.size(); ++i)
        EXPECT_EQ(chunk[i], 1);
}

TEST(SentencePieceTokenizer, FindsTheCommaPiece)
{
    auto loaded = SentencePieceTokenizer::load(fullModel());
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    auto tok = *loaded;
    const auto commas = tok->commaIds();
    ASSERT_FALSE(commas.empty());
    const auto ids = tok->encode("a red cat, detailed");
    int found = 0;
    for (int id : ids)
        found += std::count(commas.begin(), commas.end(), id) ? 1 : 0;
    EXPECT_EQ(found, 1);
}

TEST(SentencePieceTokenizer, ConcurrentEncodesAgree)
{
    auto loaded = SentencePieceTokenizer::load(fullModel());
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    auto tok = *loaded;
    std::vector<std::vector<int>> expected;
    for (std::size_t i = 0; i < 16; ++i)
        expected.push_back(tok->encode(captions()[i * 7]));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (std::size_t i = 0; i < 400; ++i) {
                const std::size_t k = (i + std::size_t(t) * 5) % expected.size();
                if (tok->encode(captions()[k * 7]) != expected[k] ||
                    tok->decode(expected[k]) != captions()[k * 7])
                    ++mismatches;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(SentencePieceTokenizer, BadFilesGiveErrors)
{
    auto missing = SentencePieceTokenizer::load(test::tempPath("nope.model"));
    ASSERT_FALSE(missing.isOk());
    EXPECT_NE(missing.error().find("nope.model"), std::string::npos) << missing.error();

    const std::string garbage = test::tempPath("garbage.model");
    std::ofstream(garbage) << "this is not a protobuf";
    auto bad = SentencePieceTokenizer::load(garbage);
    ASSERT_FALSE(bad.isOk());
    EXPECT_NE(bad.error().find("garbage.model"), std::string::npos) << bad.error();
}

} // namespace
} // namespace md

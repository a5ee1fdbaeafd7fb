// Issue 17: a 30 kB prompt ("BREAK " * 5000) took 400 s and 5.6 GB for a 64x64 image. Prompt
// work is bounded in request validation, before anything is encoded: bytes per prompt,
// 75-token chunks per prompt, chunks per generation; runs of BREAK cost nothing.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/pipeline/FixtureEngine.h"
#include "engine/pipeline/PipelineTestSupport.h"

#include <chrono>
#include <gtest/gtest.h>
#include <string>

using namespace md;

namespace {

GenerateRequest request(const std::string& prompt)
{
    return test::smallEulerRequest(prompt, 1, 5);
}

std::string repeat(const std::string& piece, size_t times)
{
    std::string out;
    for (size_t i = 0; i < times; ++i)
        out += piece;
    return out;
}

double seconds(const std::chrono::steady_clock::time_point& since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST(PromptLimits, ThousandsOfBreaksCostOneChunk)
{
    Engine& engine = test::fixtureEngine();
    const auto start = std::chrono::steady_clock::now();
    auto image = engine.generate(request(repeat("BREAK ", 5000))); // 30 kB
    ASSERT_TRUE(image.isOk()) << image.error();
    EXPECT_LT(seconds(start), 30.0); // was 400 s
    EXPECT_EQ(image->width, 64);
}

TEST(PromptLimits, TooManyBytesAreRefusedBeforeEncoding)
{
    Engine& engine = test::fixtureEngine();
    const auto start = std::chrono::steady_clock::now();
    Status s = engine.validate(request(repeat("a", kMaxPromptTextBytes + 1)));
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("the prompt is 65537 bytes long; at most 65536"), std::string::npos)
        << s.message();
    auto r = request("a cat");
    r.regions.resize(1);
    r.regions[0].prompt = "a dog";
    r.regions[0].box = Box{0, 0, 32, 32};
    r.regions[0].negative = repeat("b", kMaxPromptTextBytes + 10);
    s = engine.validate(r);
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("region 1's negative prompt is 65546 bytes"), std::string::npos)
        << s.message();
    EXPECT_LT(seconds(start), 5.0);
}

TEST(PromptLimits, TooManyChunksPerPromptAreRefusedWithTheLimit)
{
    Engine& engine = test::fixtureEngine();
    // 33 chunks: 33 BREAK-separated words.
    std::string prompt;
    for (int i = 0; i <= kMaxPromptChunks; ++i)
        prompt += "cat BREAK ";
    const auto start = std::chrono::steady_clock::now();
    auto image = engine.generate(request(prompt));
    ASSERT_FALSE(image.isOk());
    EXPECT_NE(image.error().find("the prompt needs 33 chunks of 75 tokens; at most 32 (2400 "
                                 "tokens) are allowed per prompt"),
              std::string::npos)
        << image.error();
    EXPECT_LT(seconds(start), 5.0);
    // A long prompt of words: 30 kB of "red cat, " is thousands of tokens.
    auto words = engine.validate(request(repeat("red cat, ", 3400)));
    ASSERT_FALSE(words);
    EXPECT_NE(words.message().find("chunks of 75 tokens; at most 32"), std::string::npos)
        << words.message();
    // Exactly at the limit is fine.
    std::string atLimit;
    for (int i = 0; i < kMaxPromptChunks; ++i)
        atLimit += "cat BREAK ";
    EXPECT_TRUE(engine.validate(request(atLimit)).isOk());
}

TEST(PromptLimits, ChunksPerGenerationAreBounded)
{
    Engine& engine = test::fixtureEngine();
    auto r = request("a field");
    r.cfg = 7.0f;
    // 20 regions of 15 distinct chunks each: 300 chunks, every prompt within its own limit.
    r.regions.resize(20);
    for (size_t i = 0; i < r.regions.size(); ++i) {
        std::string prompt;
        for (int c = 0; c < 15; ++c)
            prompt += "cat " + std::to_string(i) + " BREAK ";
        r.regions[i].prompt = prompt;
        r.regions[i].box = Box{0, 0, 32, 32};
    }
    Status s = engine.validate(r);
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("need 302 chunks of 75 tokens together; at most 256"),
              std::string::npos)
        << s.message();
}

TEST(PromptLimits, EmphasisAtTheParsersLimitIsRefused)
{
    Engine& engine = test::fixtureEngine();
    // 1e40 does not fit a float weight; nor do 2000 nested brackets (1.1^2000).
    Status s = engine.validate(request("(cat:1" + std::string(40, '0') + ")"));
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("emphasis weight of 1000 or more"), std::string::npos)
        << s.message();
    s = engine.validate(request(repeat("(", 2000) + "cat"));
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("brackets nested too deeply"), std::string::npos) << s.message();
}

} // namespace

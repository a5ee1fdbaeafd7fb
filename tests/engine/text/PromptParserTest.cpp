// PromptParser: A1111's attention syntax. The expected weights are products of the
// syntax's factors (1.1, 1/1.1, explicit numbers), computed here, never copied outputs.

#include "engine/text/PromptParser.h"

#include <gtest/gtest.h>

namespace md {
namespace {

struct Expected
{
    std::string text;
    double weight;
    bool isBreak = false;
};

void expectSpans(const std::string& prompt, const std::vector<Expected>& expected)
{
    const auto spans = PromptParser::parse(prompt);
    ASSERT_EQ(spans.size(), expected.size()) << "prompt: " << prompt;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        EXPECT_EQ(spans[i].text, expected[i].text) << "prompt: " << prompt << ", span " << i;
        EXPECT_NEAR(spans[i].weight, expected[i].weight, 1e-6)
            << "prompt: " << prompt << ", span " << i;
        EXPECT_EQ(spans[i].isBreak, expected[i].isBreak) << "prompt: " << prompt << ", span " << i;
    }
}

const Expected kBreak{"", 1.0, true};

TEST(PromptParser, PlainTextIsOneSpan)
{
    expectSpans("a photo of a cat", {{"a photo of a cat", 1.0}});
    expectSpans("", {{"", 1.0}});
}

TEST(PromptParser, ExplicitWeight)
{
    expectSpans("a (red:1.5) ball", {{"a ", 1.0}, {"red", 1.5}, {" ball", 1.0}});
    expectSpans("(red: 0.25 )", {{"red", 0.25}});
    expectSpans("(red:-1)", {{"red", -1.0}});
    expectSpans("(red:.5)", {{"red", 0.5}});
}

TEST(PromptParser, BracketsMultiplyAndNest)
{
    expectSpans("(x)", {{"x", 1.1}});
    expectSpans("((x))", {{"x", 1.1 * 1.1}});
    expectSpans("[x]", {{"x", 1 / 1.1}});
    expectSpans("[[x]]", {{"x", (1 / 1.1) / 1.1}});
    expectSpans("((x:1.3))", {{"x", 1.3 * 1.1}});
    expectSpans("an (important) word", {{"an ", 1.0}, {"important", 1.1}, {" word", 1.0}});
    // adjacent spans of one weight merge
    expectSpans("(unnecessary)(parens)", {{"unnecessaryparens", 1.1}});
}

TEST(PromptParser, UnbalancedBracketsReachTheEnd)
{
    expectSpans("(x", {{"x", 1.1}});
    expectSpans("a [b", {{"a ", 1.0}, {"b", 1 / 1.1}});
    expectSpans("a ((b) c", {{"a ", 1.0}, {"b", 1.1 * 1.1}, {" c", 1.1}});
    // unmatched closers are text
    expectSpans("a) b]", {{"a) b]", 1.0}});
}

TEST(PromptParser, EscapesAreLiteral)
{
    expectSpans("\\(literal\\]", {{"(literal]", 1.0}});
    expectSpans("a \\\\ b", {{"a \\ b", 1.0}});
    expectSpans("(a \\(b\\))", {{"a (b)", 1.1}});
    expectSpans("a\\b", {{"ab", 1.0}}); // a lone backslash is dropped, as in A1111
}

TEST(PromptParser, ColonsThatAreNotWeights)
{
    expectSpans("time: noon", {{"time: noon", 1.0}});
    expectSpans("a:1.5) b", {{"a:1.5) b", 1.0}});     // no "(" open
    expectSpans("(a:1.2.3)", {{"a:1.2.3", 1.1}});     // not a number
    expectSpans("[a:b:0.5]", {{"a:b:0.5", 1 / 1.1}}); // schedules stay text
}

TEST(PromptParser, TheLongA1111Example)
{
    const double r = 1.1;
    expectSpans("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).", {{"a ", 1.0},
                                                                        {"house", 1.3 * r * r},
                                                                        {" ", r},
                                                                        {"on", (1 / r) * r},
                                                                        {" a ", r},
                                                                        {"hill", 0.5 * r},
                                                                        {", sun, ", r},
                                                                        {"sky", r * r * r * r},
                                                                        {".", r}});
}

TEST(PromptParser, BreakStartsAChunk)
{
    expectSpans("a cat BREAK a dog", {{"a cat", 1.0}, kBreak, {"a dog", 1.0}});
    expectSpans("a cat\nBREAK\n(a dog)", {{"a cat", 1.0}, kBreak, {"", 1.0}, {"a dog", 1.1}});
    expectSpans("BREAK", {{"", 1.0}, kBreak, {"", 1.0}});
    // only the upper-case whole word
    expectSpans("a break, BREAKING, xBREAK", {{"a break, BREAKING, xBREAK", 1.0}});
    // inside brackets it still breaks, and the weight goes on after it
    expectSpans("(a BREAK b)", {{"a", 1.1}, kBreak, {"b", 1.1}});
}

TEST(PromptParser, Utf8PassesThrough)
{
    expectSpans("(caf\xC3\xA9:1.2) \xF0\x9F\x98\x80",
                {{"caf\xC3\xA9", 1.2}, {" \xF0\x9F\x98\x80", 1.0}});
    // a letter before BREAK makes it part of a word
    expectSpans("\xC3\xA9"
                "BREAK",
                {{"\xC3\xA9"
                  "BREAK",
                  1.0}});
}

// Found by tests/fuzz/clip_prompt (corpus/clip_prompt/nul-bytes.txt): a NUL byte stopped the
// text scan without consuming anything, so parse() looped forever, adding empty spans until
// memory ran out. NULs are plain text.
TEST(PromptParser, NulBytesAreText)
{
    const std::string nul(1, '\0');
    expectSpans(nul + nul + "cat", {{nul + nul + "cat", 1.0}});
    expectSpans("(a" + nul + "b:1.5)", {{"a" + nul + "b", 1.5}});
    expectSpans("\\" + nul + "x", {{nul + "x", 1.0}}); // a backslash before NUL is dropped
}

// Found by tests/fuzz/clip_prompt (corpus/clip_prompt/huge-weight.txt): a weight beyond
// float's range became an infinite float, and NaN once multiplied by 0. Weights stay within
// +-1000 (kMaxWeight in PromptParser.cpp) whatever the number or the nesting.
TEST(PromptParser, WeightsStayFinite)
{
    const double max = 1000.0;
    const std::string huge = "99999999999999999999999999999999999999999"; // 1e41
    expectSpans("(a:" + huge + ")", {{"a", max}});
    expectSpans("(a:-" + huge + ")", {{"a", -max}});
    expectSpans("((a:" + huge + "):0)", {{"a", 0.0}});
    expectSpans(std::string(2000, '(') + "a", {{"a", max}});
    expectSpans(std::string(2000, '[') + "a", {{"a", 0.0}}); // 1.1^-2000: about 1e-83
}

} // namespace
} // namespace md

#include "engine/LoraTags.h"

#include <gtest/gtest.h>

namespace md {
namespace {

TEST(LoraTags, OneWeightAppliesToUnetAndText)
{
    const auto t = extractLoraTags("a cat <lora:pixelart:0.7>, in snow");
    ASSERT_TRUE(t.errors.empty());
    EXPECT_EQ(t.text, "a cat, in snow");
    ASSERT_EQ(t.loras.size(), 1u);
    EXPECT_EQ(t.loras[0], (LoraUse{"pixelart", 0.7f, 0.7f}));
}

TEST(LoraTags, SeparateWeightsAndDefaultWeight)
{
    const auto t = extractLoraTags("<lora:style:0.5:1.25> red fox <lora:char>");
    ASSERT_TRUE(t.errors.empty());
    EXPECT_EQ(t.text, "red fox");
    ASSERT_EQ(t.loras.size(), 2u);
    EXPECT_EQ(t.loras[0], (LoraUse{"style", 0.5f, 1.25f}));
    EXPECT_EQ(t.loras[1], (LoraUse{"char", 1.0f, 1.0f}));
}

TEST(LoraTags, RepeatedNameAddsWeights)
{
    const auto t = extractLoraTags("<lora:a:0.5> x <lora:a:0.25:1>");
    ASSERT_EQ(t.loras.size(), 1u);
    EXPECT_FLOAT_EQ(t.loras[0].unetWeight, 0.75f);
    EXPECT_FLOAT_EQ(t.loras[0].textWeight, 1.5f);
    EXPECT_EQ(t.text, "x");
}

TEST(LoraTags, TagBetweenWordsLeavesOneSpace)
{
    EXPECT_EQ(extractLoraTags("red <lora:a:1> fox").text, "red fox");
    EXPECT_EQ(extractLoraTags("red<lora:a:1>fox").text, "redfox");
    EXPECT_EQ(extractLoraTags("(red:1.2) <lora:a>").text, "(red:1.2)");
}

TEST(LoraTags, MalformedTagsStayInTheTextAndAreReported)
{
    auto t = extractLoraTags("a <lora:x:heavy> b");
    EXPECT_TRUE(t.loras.empty());
    ASSERT_EQ(t.errors.size(), 1u);
    EXPECT_NE(t.errors[0].find("not a number"), std::string::npos);
    EXPECT_EQ(t.text, "a <lora:x:heavy> b");

    t = extractLoraTags("<lora::1>");
    ASSERT_EQ(t.errors.size(), 1u);
    t = extractLoraTags("<lora:x:1:2:3>");
    ASSERT_EQ(t.errors.size(), 1u);
    t = extractLoraTags("a <lora:x:1");
    ASSERT_EQ(t.errors.size(), 1u);
    EXPECT_NE(t.errors[0].find("closing"), std::string::npos);
}

TEST(LoraTags, OtherTagsArePlainText)
{
    const auto t = extractLoraTags("<hypernet:x:1> cat");
    EXPECT_TRUE(t.loras.empty());
    EXPECT_TRUE(t.errors.empty());
    EXPECT_EQ(t.text, "<hypernet:x:1> cat");
}

TEST(LoraTags, NamesOfARequestBackgroundFirstDeduplicated)
{
    GenerateRequest r;
    r.prompt = "sky <lora:global:0.5>";
    Region a;
    a.prompt = "cat <lora:char:1> <lora:global:0.2>";
    Region b;
    b.prompt = "dog <lora:style>";
    r.regions = {a, b};
    EXPECT_EQ(loraNamesOf(r), (std::vector<std::string>{"global", "char", "style"}));
}

} // namespace
} // namespace md

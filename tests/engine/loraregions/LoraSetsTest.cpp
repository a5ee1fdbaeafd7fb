// Which LoRA weights act on each prompt (pipeline/LoraSets.h): the background's on every
// pass, a region's on its own passes, weights of one name added; texts without their tags.

#include "engine/pipeline/LoraSets.h"

#include <gtest/gtest.h>

namespace md {
namespace {

Region region(const std::string& prompt, const std::string& negative = "")
{
    Region r;
    r.prompt = prompt;
    r.negative = negative;
    r.box = Box{0, 0, 64, 64};
    return r;
}

TEST(LoraSets, NoTagsMeansOneEmptySet)
{
    GenerateRequest r;
    r.prompt = "a field";
    r.regions = {region("a cat"), region("a dog")};
    const LoraSets sets = LoraSets::of(r);
    EXPECT_FALSE(sets.any());
    EXPECT_TRUE(sets.names.empty());
    ASSERT_EQ(sets.unetSets.size(), 1u);
    EXPECT_TRUE(sets.unetSets[0].empty());
    EXPECT_EQ(sets.unetSetOf, (std::vector<int>{0, 0, 0}));
    EXPECT_EQ(sets.loraUnetSets(), 0);
    EXPECT_EQ(sets.prompts, (std::vector<std::string>{"a field", "a cat", "a dog"}));
}

TEST(LoraSets, BackgroundActsEverywhereRegionOnlyOnItsOwnPasses)
{
    GenerateRequest r;
    r.prompt = "a field <lora:style:0.5>";
    r.negative = "blurry";
    r.regions = {region("a cat <lora:char:1:0.25>", "ugly"), region("a dog"),
                 region("<lora:style:0.25> a bird")};
    const LoraSets sets = LoraSets::of(r);
    EXPECT_TRUE(sets.any());
    EXPECT_EQ(sets.names, (std::vector<std::string>{"style", "char"}));
    EXPECT_EQ(sets.prompts, (std::vector<std::string>{"a field", "a cat", "a dog", "a bird"}));
    EXPECT_EQ(sets.negatives, (std::vector<std::string>{"blurry", "ugly", "", ""}));
    // Background: style only. Region 1: style + char. Region 2: the background's. Region 3:
    // style 0.5 + 0.25.
    EXPECT_EQ(sets.unetWeights[0], (std::vector<float>{0.5f}));
    EXPECT_EQ(sets.unetWeights[1], (std::vector<float>{0.5f, 1.0f}));
    EXPECT_EQ(sets.textWeights[1], (std::vector<float>{0.5f, 0.25f}));
    EXPECT_EQ(sets.unetWeights[2], (std::vector<float>{0.5f}));
    EXPECT_EQ(sets.unetWeights[3], (std::vector<float>{0.75f}));
    EXPECT_EQ(sets.unetSetOf, (std::vector<int>{0, 1, 0, 2}));
    EXPECT_EQ(sets.loraUnetSets(), 3);
}

TEST(LoraSets, TextOnlyLoraSharesTheUnetSet)
{
    // <lora:x:0:1>: the region's text encoding changes, its UNet passes do not, so they can
    // share calls with the background's.
    GenerateRequest r;
    r.prompt = "a field";
    r.regions = {region("a cat <lora:x:0:1>")};
    const LoraSets sets = LoraSets::of(r);
    EXPECT_TRUE(sets.any());
    EXPECT_EQ(sets.unetSetOf, (std::vector<int>{0, 0}));
    EXPECT_EQ(sets.loraUnetSets(), 0);
    EXPECT_TRUE(sets.textWeights[0].empty());
    EXPECT_EQ(sets.textWeights[1], (std::vector<float>{1.0f}));
}

TEST(LoraSets, SameTagsInTwoRegionsAreOneSet)
{
    GenerateRequest r;
    r.prompt = "a field";
    r.regions = {region("a cat <lora:x:0.8>"), region("a dog <lora:x:0.8>"),
                 region("a cow <lora:x:0.7>")};
    const LoraSets sets = LoraSets::of(r);
    EXPECT_EQ(sets.unetSetOf, (std::vector<int>{0, 1, 1, 2}));
    EXPECT_EQ(sets.loraUnetSets(), 2);
}

TEST(LoraSets, SlotsMapNamesAndTrimZeros)
{
    EXPECT_EQ(LoraSets::toSlots({0.5f, 1.0f}, {2, 0}), (std::vector<float>{1.0f, 0.0f, 0.5f}));
    EXPECT_EQ(LoraSets::toSlots({0.5f, 0.0f}, {0, 3}), (std::vector<float>{0.5f}));
    EXPECT_TRUE(LoraSets::toSlots({}, {1}).empty());
    // A region cancelling the background's LoRA has none left.
    GenerateRequest r;
    r.prompt = "<lora:x:1> sky";
    r.regions = {region("<lora:x:-1> sea")};
    const LoraSets sets = LoraSets::of(r);
    EXPECT_TRUE(sets.unetWeights[1].empty());
    EXPECT_EQ(sets.unetSetOf, (std::vector<int>{0, 1}));
}

} // namespace
} // namespace md

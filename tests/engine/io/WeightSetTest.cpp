#include "engine/io/WeightSet.h"

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsWriter.h"

#include <gtest/gtest.h>

namespace md {
namespace {

TEST(WeightSet, PresentsTransformsOfFileTensorsLazily)
{
    torch::manual_seed(3);
    auto inProj = torch::randn({6, 2}).to(torch::kHalf);
    auto proj = torch::randn({2, 3});
    auto conv = torch::randn({4, 2, 1, 1});
    const std::string path = test::tempPath("weightset.safetensors");
    ASSERT_TRUE(writeSafetensors(path, {{"in_proj", inProj}, {"proj", proj}, {"conv", conv}}));
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();

    WeightSet set("text_encoder");
    ASSERT_TRUE(set.addRowSlice("k", *file, "in_proj", 2, 4));
    ASSERT_TRUE(set.addTranspose("p", *file, "proj"));
    ASSERT_TRUE(set.addSqueezed("c", *file, "conv"));
    ASSERT_TRUE(set.add("c2", *file, "conv"));
    EXPECT_FALSE(set.add("c2", *file, "conv")); // a name is added once
    EXPECT_FALSE(set.add("x", *file, "missing"));
    EXPECT_FALSE(set.addRowSlice("bad", *file, "in_proj", 4, 8));
    EXPECT_FALSE(set.addSqueezed("bad", *file, "in_proj.nope"));

    EXPECT_EQ(set.names(), (std::vector<std::string>{"c", "c2", "k", "p"}));
    EXPECT_EQ(set.shape("k"), (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(set.shape("p"), (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(set.shape("c"), (std::vector<int64_t>{4, 2}));
    EXPECT_TRUE(set.shape("nothing").empty());
    EXPECT_EQ(set.parameterCount(), 4 + 6 + 8 + 8);

    auto k = set.load("k", torch::kFloat);
    ASSERT_TRUE(k) << k.error();
    EXPECT_TRUE(torch::equal(k.value(), inProj.slice(0, 2, 4).to(torch::kFloat)));
    EXPECT_TRUE(torch::equal(set.load("p", torch::kFloat).value(), proj.t()));
    EXPECT_TRUE(torch::equal(set.load("c", torch::kFloat).value(), conv.reshape({4, 2})));
    EXPECT_TRUE(set.load("p", torch::kFloat)->is_contiguous());
    EXPECT_FALSE(set.load("nothing", torch::kFloat));

    EXPECT_EQ(set.describe("k"), "weightset.safetensors: in_proj rows [2, 4) (as k)");
    EXPECT_EQ(set.describe("c2"), "weightset.safetensors: conv (as c2)");
    auto all = set.loadAll(torch::kFloat);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 4u);
    EXPECT_EQ(set.namesWithPrefix("c"), (std::vector<std::string>{"c", "c2"}));
}

// Issue 17: an I16 weight reached libtorch and failed there with a 12-frame backtrace.
TEST(WeightSet, RefusesIntegerAndBoolTensorsByNameAndDtype)
{
    const std::string path = test::tempPath("weightset-int.safetensors");
    ASSERT_TRUE(
        writeSafetensors(path, {{"conv_in.weight", torch::ones({4, 4, 3, 3}, torch::kShort)},
                                {"ids", torch::arange(5, torch::kLong)},
                                {"mask", torch::ones({3}, torch::kBool)},
                                {"bytes", torch::ones({3}, torch::kByte)},
                                {"ok", torch::ones({3}, torch::kHalf)}}));
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();
    WeightSet set("unet");
    const std::pair<const char*, const char*> cases[] = {
        {"conv_in.weight", "I16"}, {"ids", "I64"}, {"mask", "BOOL"}, {"bytes", "U8"}};
    for (const auto& [key, dtype] : cases) {
        Status s = set.add(key, *file, key);
        ASSERT_FALSE(s) << key;
        EXPECT_NE(s.message().find(std::string("'") + key + "'"), std::string::npos) << s.message();
        EXPECT_NE(s.message().find(std::string(" is ") + dtype), std::string::npos) << s.message();
        EXPECT_NE(s.message().find("floating point"), std::string::npos) << s.message();
    }
    EXPECT_TRUE(set.add("ok", *file, "ok"));
    EXPECT_EQ(set.names(), (std::vector<std::string>{"ok"}));
}

} // namespace
} // namespace md

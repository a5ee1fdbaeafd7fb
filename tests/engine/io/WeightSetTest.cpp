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
    auto ids = torch::arange(5, torch::kLong);
    const std::string path = test::tempPath("weightset.safetensors");
    ASSERT_TRUE(writeSafetensors(
        path, {{"in_proj", inProj}, {"proj", proj}, {"conv", conv}, {"ids", ids}}));
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();

    WeightSet set("text_encoder");
    ASSERT_TRUE(set.addRowSlice("k", *file, "in_proj", 2, 4));
    ASSERT_TRUE(set.addTranspose("p", *file, "proj"));
    ASSERT_TRUE(set.addSqueezed("c", *file, "conv"));
    ASSERT_TRUE(set.add("ids", *file, "ids"));
    EXPECT_FALSE(set.add("ids", *file, "ids")); // a name is added once
    EXPECT_FALSE(set.add("x", *file, "missing"));
    EXPECT_FALSE(set.addRowSlice("bad", *file, "in_proj", 4, 8));
    EXPECT_FALSE(set.addSqueezed("bad", *file, "in_proj.nope"));

    EXPECT_EQ(set.names(), (std::vector<std::string>{"c", "ids", "k", "p"}));
    EXPECT_EQ(set.shape("k"), (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(set.shape("p"), (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(set.shape("c"), (std::vector<int64_t>{4, 2}));
    EXPECT_TRUE(set.shape("nothing").empty());
    EXPECT_EQ(set.parameterCount(), 4 + 6 + 8 + 5);

    auto k = set.load("k", torch::kFloat);
    ASSERT_TRUE(k) << k.error();
    EXPECT_TRUE(torch::equal(k.value(), inProj.slice(0, 2, 4).to(torch::kFloat)));
    EXPECT_TRUE(torch::equal(set.load("p", torch::kFloat).value(), proj.t()));
    EXPECT_TRUE(torch::equal(set.load("c", torch::kFloat).value(), conv.reshape({4, 2})));
    EXPECT_TRUE(torch::equal(set.load("ids", torch::kFloat).value(), ids));
    EXPECT_TRUE(set.load("p", torch::kFloat)->is_contiguous());
    EXPECT_FALSE(set.load("nothing", torch::kFloat));

    EXPECT_EQ(set.describe("k"), "weightset.safetensors: in_proj rows [2, 4) (as k)");
    EXPECT_EQ(set.describe("ids"), "weightset.safetensors: ids");
    auto all = set.loadAll(torch::kFloat);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 4u);
    EXPECT_EQ(set.namesWithPrefix("i"), (std::vector<std::string>{"ids"}));
}

} // namespace
} // namespace md

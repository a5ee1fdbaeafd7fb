#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <gtest/gtest.h>

namespace md {
namespace {

TEST(SafetensorsRoundTrip, WriterThenReaderGivesSameValues)
{
    torch::manual_seed(1);
    auto a = torch::randn({3, 5});
    auto b = torch::arange(7, torch::kLong);
    auto c = torch::randn({2, 2}).to(torch::kHalf);
    auto d = torch::randint(0, 255, {4, 3}).to(torch::kByte);
    auto scalar = torch::tensor(3.5);
    auto empty = torch::zeros({0, 4});
    const std::string path = test::tempPath("roundtrip.safetensors");
    Status s = writeSafetensors(
        path, {{"a", a}, {"b", b}, {"c", c}, {"d", d}, {"scalar", scalar}, {"empty", empty}},
        {{"format", "pt"}});
    ASSERT_TRUE(s) << s.message();

    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ((*file)->metadata().at("format"), "pt");
    EXPECT_EQ((*file)->tensors().size(), 6u);
    EXPECT_EQ((*file)->find("c")->dtype, "F16");
    EXPECT_EQ((*file)->find("scalar")->shape.size(), 0u);

    auto la = (*file)->load("a");
    ASSERT_TRUE(la) << la.error();
    EXPECT_TRUE(torch::equal(la.value(), a));
    auto lb = (*file)->load("b", torch::kFloat); // integers keep their dtype
    ASSERT_TRUE(lb);
    EXPECT_EQ(lb->scalar_type(), torch::kLong);
    EXPECT_TRUE(torch::equal(lb.value(), b));
    auto lc = (*file)->load("c", torch::kFloat);
    ASSERT_TRUE(lc);
    EXPECT_EQ(lc->scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(lc.value(), c.to(torch::kFloat)));
    EXPECT_TRUE(torch::equal((*file)->load("d").value(), d));
    EXPECT_EQ((*file)->load("scalar").value().item<double>(), 3.5);
    EXPECT_EQ((*file)->load("empty").value().sizes(), empty.sizes());
    EXPECT_FALSE((*file)->load("missing"));
    auto asInt = (*file)->load("a", torch::kLong); // a float tensor is not cast to integers
    ASSERT_FALSE(asInt);
    EXPECT_NE(asInt.error().find("roundtrip.safetensors"), std::string::npos) << asInt.error();
    EXPECT_EQ((*file)->load("c", torch::kDouble).value().scalar_type(), torch::kDouble);
}

TEST(SafetensorsRoundTrip, StoreAsConvertsFloatsOnly)
{
    auto a = torch::randn({4});
    auto ids = torch::arange(3, torch::kLong);
    const std::string path = test::tempPath("storeas.safetensors");
    ASSERT_TRUE(writeSafetensors(path, {{"a", a}, {"ids", ids}}, {}, torch::kBFloat16));
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();
    EXPECT_EQ((*file)->find("a")->dtype, "BF16");
    EXPECT_EQ((*file)->find("ids")->dtype, "I64");
    EXPECT_TRUE(torch::equal((*file)->load("a", torch::kFloat).value(),
                             a.to(torch::kBFloat16).to(torch::kFloat)));
}

TEST(SafetensorsRoundTrip, OpensFixtures)
{
    for (const char* name : {"tiny-sd15.safetensors", "tiny-sd15-reference.safetensors",
                             "tiny-sd15/unet/diffusion_pytorch_model.safetensors"}) {
        auto file = SafetensorsFile::open(test::fixturePath(name));
        ASSERT_TRUE(file) << file.error();
        EXPECT_GT((*file)->tensors().size(), 10u);
    }
    auto ids = test::referenceTensor("text.input_ids");
    EXPECT_EQ(ids.sizes(), (std::vector<int64_t>{4, 77}));
    auto image = test::referenceTensor("t2i.ddim.image");
    EXPECT_EQ(image.scalar_type(), torch::kByte);
    EXPECT_EQ(test::psnrU8(image, image), std::numeric_limits<double>::infinity());
    EXPECT_THROW(test::referenceTensor("no.such.tensor"), std::runtime_error);
}

} // namespace
} // namespace md

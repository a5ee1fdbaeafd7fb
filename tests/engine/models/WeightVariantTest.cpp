// Diffusers weight variants (ModelOptions::variant, diffusers' `variant=`): a copy of the
// fixture folder gets unet/diffusion_pytorch_model.lcm.safetensors (the UNet's weights
// scaled), an identical "same" variant and an fp16 text encoder. Each component reads its
// variant's file where it has one and its plain file elsewhere; the variants are listed;
// an unknown variant, a bad name and a variant of a single file are errors.

#include "engine/common/Fixtures.h"
#include "engine/io/ComponentWeights.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

namespace fs = std::filesystem;

constexpr double kUNetScale = 1.25;

// `source`'s tensors, each floating one times `scale`, written to `target` (stored as `as`).
void writeScaled(const std::string& source, const std::string& target, double scale,
                 std::optional<torch::Dtype> as = {})
{
    auto file = SafetensorsFile::open(source);
    ASSERT_TRUE(file) << file.error();
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& info : file.value()->tensors()) {
        auto t = file.value()->load(info.name);
        ASSERT_TRUE(t) << t.error();
        auto value = t.value();
        if (value.is_floating_point())
            value = value * scale;
        tensors.emplace_back(info.name, value);
    }
    ASSERT_TRUE(writeSafetensors(target, tensors, {}, as));
}

// The fixture folder copied once, with its variants.
const std::string& variantFolder()
{
    static const std::string dir = [] {
        const std::string d = test::tempPath("tiny-sd15-variants");
        fs::copy(test::fixturePath("tiny-sd15"), d, fs::copy_options::recursive);
        writeScaled(d + "/unet/diffusion_pytorch_model.safetensors",
                    d + "/unet/diffusion_pytorch_model.lcm.safetensors", kUNetScale);
        fs::copy_file(d + "/unet/diffusion_pytorch_model.safetensors",
                      d + "/unet/diffusion_pytorch_model.same.safetensors");
        writeScaled(d + "/text_encoder/model.safetensors",
                    d + "/text_encoder/model.fp16.safetensors", 1.0, torch::kFloat16);
        return d;
    }();
    return dir;
}

Result<std::shared_ptr<StableDiffusionModel>> loadVariant(const std::string& path,
                                                          const std::string& variant)
{
    ModelOptions o;
    o.path = path;
    o.device = "cpu";
    o.dtype = "float32";
    o.variant = variant;
    return StableDiffusionModel::load(o);
}

torch::Tensor unetOutput(StableDiffusionModel& model)
{
    torch::NoGradGuard noGrad;
    torch::manual_seed(4);
    auto x = torch::randn({1, 4, 8, 8});
    auto ids = torch::tensor({{1, 5, 7, 2}}, torch::kLong);
    auto context = model.encodeTokens(ids);
    return model.unet(x, torch::full({1}, 500.0), context);
}

torch::Tensor parameter(torch::nn::Module& module, const std::string& name)
{
    auto p = module.named_parameters().find(name);
    return p ? p->detach().clone() : torch::Tensor();
}

} // namespace

TEST(WeightVariants, FolderListsItsVariants)
{
    const auto variants = folderWeightVariants(variantFolder());
    EXPECT_EQ(variants, (std::vector<std::string>{"fp16", "lcm", "same"}));
    EXPECT_TRUE(folderWeightVariants(test::fixturePath("tiny-sd15")).empty());

    // Diffusers' sharded names count too (listing reads names only).
    const std::string d = test::tempPath("variant-names");
    fs::create_directories(d + "/unet");
    fs::create_directories(d + "/text_encoder");
    for (const char* name : {"unet/diffusion_pytorch_model.safetensors",
                             "unet/diffusion_pytorch_model.safetensors.index.json",
                             "unet/diffusion_pytorch_model-00001-of-00002.safetensors",
                             "unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors",
                             "text_encoder/model.safetensors.index.bf16.json",
                             "text_encoder/model.safetensors", "text_encoder/config.json"})
        std::ofstream(d + "/" + name) << "x";
    EXPECT_EQ(folderWeightVariants(d), (std::vector<std::string>{"bf16", "fp16"}));
}

TEST(WeightVariants, EachComponentReadsItsVariantWhereItHasOne)
{
    auto plain = loadVariant(variantFolder(), "");
    auto lcm = loadVariant(variantFolder(), "lcm");
    auto same = loadVariant(variantFolder(), "same");
    ASSERT_TRUE(plain) << plain.error();
    ASSERT_TRUE(lcm) << lcm.error();
    ASSERT_TRUE(same) << same.error();
    EXPECT_EQ(plain.value()->info().variant, "");
    EXPECT_EQ(lcm.value()->info().variant, "lcm");
    EXPECT_EQ(lcm.value()->info().variants, (std::vector<std::string>{"fp16", "lcm", "same"}));

    // The lcm UNet is the plain one scaled; text encoder and VAE are the plain ones.
    const auto plainConv = parameter(*plain.value()->unetModule(), "conv_in.weight");
    ASSERT_TRUE(plainConv.defined());
    EXPECT_TRUE(torch::allclose(parameter(*lcm.value()->unetModule(), "conv_in.weight"),
                                plainConv * kUNetScale, 1e-6, 0.0));
    for (const auto& p : plain.value()->textModule()->named_parameters())
        EXPECT_TRUE(torch::equal(parameter(*lcm.value()->textModule(), p.key()), p.value()))
            << p.key();
    for (const auto& p : plain.value()->vaeModule()->named_parameters())
        EXPECT_TRUE(torch::equal(parameter(*lcm.value()->vaeModule(), p.key()), p.value()))
            << p.key();

    // Outputs: the identical variant gives the plain output exactly, the scaled one another.
    const auto reference = unetOutput(*plain.value());
    EXPECT_TRUE(torch::equal(unetOutput(*same.value()), reference));
    EXPECT_GT((unetOutput(*lcm.value()) - reference).abs().max().item<double>(), 1e-3);

    // fp16: the text encoder's half-precision copy (the UNet's plain file).
    auto fp16 = loadVariant(variantFolder(), "fp16");
    ASSERT_TRUE(fp16) << fp16.error();
    EXPECT_EQ(fp16.value()->info().variant, "fp16");
    EXPECT_TRUE(torch::equal(parameter(*fp16.value()->unetModule(), "conv_in.weight"), plainConv));
    bool any = false;
    for (const auto& note : fp16.value()->notes())
        any = any || note.find("text_encoder/model.fp16.safetensors") != std::string::npos;
    EXPECT_TRUE(any) << "the notes name the variant files read";
}

TEST(WeightVariants, UnknownBadAndSingleFileVariantsAreErrors)
{
    auto unknown = loadVariant(variantFolder(), "turbo");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().find("\"turbo\""), std::string::npos) << unknown.error();
    EXPECT_NE(unknown.error().find(variantFolder()), std::string::npos) << unknown.error();
    EXPECT_NE(unknown.error().find("fp16, lcm, same"), std::string::npos) << unknown.error();

    auto none = loadVariant(test::fixturePath("tiny-sd15"), "lcm");
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().find("\"lcm\""), std::string::npos) << none.error();
    EXPECT_NE(none.error().find("no variants"), std::string::npos) << none.error();

    auto bad = loadVariant(variantFolder(), "../unet");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("not a weight variant name"), std::string::npos) << bad.error();

    auto single = loadVariant(test::fixturePath("tiny-sd15.safetensors"), "lcm");
    ASSERT_FALSE(single);
    EXPECT_NE(single.error().find("single-file"), std::string::npos) << single.error();
    EXPECT_NE(single.error().find("\"lcm\""), std::string::npos) << single.error();
}

} // namespace md

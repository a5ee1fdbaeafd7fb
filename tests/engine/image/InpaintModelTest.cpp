// 9-channel inpainting checkpoints (SD 1.5 / SDXL inpainting) load from a diffusers folder
// and from a single LDM file, say so in ModelInfo and describe(), and their UNet takes the
// latents, the mask and the masked image's latents: checked against the 4-channel fixture
// UNet, whose numbers the 9-channel one must reproduce where its extra inputs contribute
// nothing, and whose input it must reproduce where the extra weights copy the first ones.

#include "engine/common/Fixtures.h"
#include "engine/image/InpaintFixture.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

struct UNetInputs
{
    torch::Tensor x;       // [1, 4, 32, 32]
    torch::Tensor mask;    // [1, 1, 32, 32]
    torch::Tensor masked;  // [1, 4, 32, 32]
    torch::Tensor t;       // [1]
    torch::Tensor context; // [1, L, D]
};

UNetInputs inputs()
{
    auto g = at::detail::createCPUGenerator(42);
    UNetInputs in;
    in.x = torch::randn({1, 4, 32, 32}, g);
    in.mask = (torch::rand({1, 1, 32, 32}, g) > 0.5).to(torch::kFloat32);
    in.masked = torch::randn({1, 4, 32, 32}, g);
    in.t = torch::full({1}, 601.0f);
    ModelSession session(test::textToImageModel());
    in.context = session.prompts().encode("a red ball on a blue table").context;
    return in;
}

double maxAbs(const torch::Tensor& t)
{
    return t.abs().max().item<double>();
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

std::string described(const StableDiffusionModel& model, const std::string& key)
{
    for (const auto& [k, v] : model.describe())
        if (k == key)
            return v;
    return {};
}

} // namespace

TEST(InpaintModel, FolderLoadsAsInpainting)
{
    auto model = test::inpaintModel();
    const ModelInfo& info = model->info();
    EXPECT_TRUE(info.inpainting);
    EXPECT_EQ(info.unetInChannels, 9);
    EXPECT_EQ(info.latentChannels, 4);
    EXPECT_EQ(info.family, "SD 1.x");
    EXPECT_TRUE(model->isInpainting());
    EXPECT_EQ(model->latentChannels(), 4);
    EXPECT_EQ(described(*model, "architecture"), "SD 1.x inpainting");
    EXPECT_EQ(described(*model, "unet input channels"),
              "9 (inpainting: 4 latents + 1 mask + 4 masked-image latents)");

    auto plain = test::textToImageModel();
    EXPECT_FALSE(plain->info().inpainting);
    EXPECT_EQ(plain->info().unetInChannels, 4);
    EXPECT_EQ(described(*plain, "architecture"), "SD 1.x");
    EXPECT_EQ(described(*plain, "unet input channels"), "4");
}

TEST(InpaintModel, SingleFileLoadsAsInpaintingWithTheFolderNumbers)
{
    // A1111 / ComfyUI tell an inpainting checkpoint by
    // model.diffusion_model.input_blocks.0.0.weight taking 9 channels; so does the loader.
    auto single =
        test::loadCpuModel(test::inpaintSingleFile(), test::fixturePath("tiny-sd15/tokenizer"));
    EXPECT_TRUE(single->info().inpainting);
    EXPECT_EQ(single->info().unetInChannels, 9);
    EXPECT_NE(single->info().layout.find("single-file"), std::string::npos)
        << single->info().layout;
    torch::NoGradGuard noGrad;
    auto folder = test::inpaintModel();
    const auto in = inputs();
    auto sample = torch::cat({in.x, in.mask, in.masked}, 1);
    // The weights are fp16-exact: F16 in the file, float32 in the folder, equal once loaded.
    EXPECT_EQ(
        maxDiff(single->unet(sample, in.t, in.context), folder->unet(sample, in.t, in.context)),
        0.0);
}

TEST(InpaintModel, ZeroExtraInputsGiveTheTextToImageUNet)
{
    torch::NoGradGuard noGrad;
    auto nine = test::inpaintModel();
    auto four = test::textToImageModel();
    const auto in = inputs();
    const auto expected = four->unet(in.x, in.t, in.context);
    // conv_in's first 4 input channels are the fixture's: with zero extra inputs the extra
    // weights add exactly zero (up to the summation order of a wider convolution).
    const auto zeros = torch::zeros({1, 5, 32, 32});
    const auto same = nine->unet(torch::cat({in.x, zeros}, 1), in.t, in.context);
    EXPECT_LE(maxDiff(same, expected), 1e-5 * maxAbs(expected));
    // With a mask and masked latents, the extra weights (noise * 0.05) change the output.
    const auto other = nine->unet(torch::cat({in.x, in.mask, in.masked}, 1), in.t, in.context);
    EXPECT_GT(maxDiff(other, expected), 1e-2 * maxAbs(expected));
}

TEST(InpaintModel, ExtraChannelsAreMaskThenMaskedLatents)
{
    // conv_in = [W4 | 0 | W4]: the mask channel is ignored and the masked latents are added
    // to the latents, so unet9(cat(x, m, e)) = unet4(x + e) for any m -- which holds only if
    // the channels arrive in diffusers' order cat([latents, mask, masked latents]).
    torch::NoGradGuard noGrad;
    const auto w9 = test::img2imgReference("inpaint9.conv_in.weight");
    const auto w4 = w9.narrow(1, 0, 4);
    const auto weight = torch::cat({w4, torch::zeros_like(w9.narrow(1, 4, 1)), w4}, 1);
    auto model = test::loadCpuModel(test::inpaintFolderWithConvIn(weight, "w4-0-w4"));
    auto four = test::textToImageModel();
    const auto in = inputs();
    const auto expected = four->unet(in.x + in.masked, in.t, in.context);
    const auto got = model->unet(torch::cat({in.x, in.mask, in.masked}, 1), in.t, in.context);
    EXPECT_LE(maxDiff(got, expected), 1e-5 * maxAbs(expected));
    // Swapping the mask into the latents' place breaks it.
    const auto swapped = model->unet(torch::cat({in.x, in.masked, in.mask}, 1), in.t, in.context);
    EXPECT_GT(maxDiff(swapped, expected), 1e-2 * maxAbs(expected));
}

TEST(InpaintModel, BareLatentsAreRefusedWithWhatTheModelTakes)
{
    torch::NoGradGuard noGrad;
    auto model = test::inpaintModel();
    const auto in = inputs();
    try {
        model->unet(in.x, in.t, in.context);
        FAIL() << "a 4-channel input must be refused";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("the UNet takes 9 input channels (an inpainting "
                                             "model: latents, mask and masked-image latents) "
                                             "but was given 4"),
                  std::string::npos)
            << e.what();
    }
}

TEST(InpaintModel, SdxlSingleFileLoadsAsInpainting)
{
    // SDXL inpainting: the same test on the first input block, whatever the family.
    torch::NoGradGuard noGrad;
    auto nine = test::loadCpuModel(test::sdxlInpaintSingleFile());
    EXPECT_TRUE(nine->info().inpainting);
    EXPECT_EQ(nine->info().unetInChannels, 9);
    EXPECT_EQ(nine->info().family, "SDXL");
    EXPECT_TRUE(nine->isSdxl());
    auto four = test::loadCpuModel(test::fixturePath("sdxl/tiny-sdxl"));
    ModelSession session(four);
    const TextEncoding text = session.prompts().encode("a red ball on a blue table");
    UNetConditioning c{text.context, text.pooled, sizeTimeIds(256, 256)};
    auto g = at::detail::createCPUGenerator(7);
    const auto x = torch::randn({1, 4, 32, 32}, g);
    const auto extra = torch::randn({1, 5, 32, 32}, g);
    const auto t = torch::full({1}, 451.0f);
    const auto expected = four->unet(x, t, c);
    // The extra weights are zero: whatever the mask and masked latents, the 4-channel UNet.
    const auto got = nine->unet(torch::cat({x, extra}, 1), t, c);
    EXPECT_LE(maxDiff(got, expected), 1e-5 * maxAbs(expected));
}

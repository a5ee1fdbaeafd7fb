// A LoRA applied at run time (adapters enabled per call, pipeline/LoraSlots.h) gives the
// same image as the same LoRA merged into the weights (issue 14's exactness criterion), on
// the fixture models: kohya and PEFT files, UNet and text encoder together or alone
// (<lora:x:1:0>, <lora:x:0:1>), SD 1.5 and SDXL, plain and fused (regions) runs.

#include "engine/common/CpuModel.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ModelLoraTargets.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/common/TestLoraFile.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelLoras.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

std::shared_ptr<StableDiffusionModel> loadFixture(bool sdxl)
{
    return test::loadModelOnCpu(test::fixturePath(sdxl ? "sdxl/tiny-sdxl" : "tiny-sd15"));
}

RgbImage generate(std::shared_ptr<StableDiffusionModel> model, const GenerateRequest& request)
{
    ModelSession session(std::move(model));
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(request);
    if (!result)
        throw std::runtime_error("generation failed: " + result.error());
    return result->image;
}

struct Case
{
    std::string label;
    bool sdxl = false;
    test::TestLoraNaming naming = test::TestLoraNaming::Kohya;
    float unetWeight = 1.0f;
    float textWeight = 1.0f;
    bool regions = false;
};

void compare(const Case& c)
{
    torch::NoGradGuard noGrad;
    auto runTime = loadFixture(c.sdxl);
    const std::string dir =
        test::tempPath("lora-merged-" + std::to_string(std::hash<std::string>{}(c.label)));
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/x.safetensors";
    test::TestLoraOptions options;
    options.naming = c.naming;
    options.rank = 4;
    options.alpha = c.naming == test::TestLoraNaming::Kohya ? 2.0f : 0.0f;
    options.seed = 7;
    auto written = test::writeTestLora(path, test::loraTargetsOf(*runTime), options);
    ASSERT_TRUE(written) << written.error();

    GenerateRequest r;
    r.prompt = "a red cat on a blue sofa";
    r.negative = "blurry";
    r.width = c.regions ? 192 : 128;
    r.height = 128;
    r.steps = 5;
    r.seed = 11;
    r.cfg = 6.0f;
    r.sampler = SamplerKind::Euler;
    if (c.regions) {
        Region region;
        region.prompt = "a green bird";
        region.box = Box{96, 32, 64, 64};
        r.regions.push_back(region);
        r.window = 16;
    }
    GenerateRequest tagged = r;
    tagged.prompt +=
        " <lora:x:" + std::to_string(c.unetWeight) + ":" + std::to_string(c.textWeight) + ">";
    tagged.loraDirs = {dir};
    const auto withAdapters = test::imageTensor(generate(runTime, tagged));

    auto merged = loadFixture(c.sdxl);
    auto file = readLoraFor(*merged, path);
    ASSERT_TRUE(file) << file.error();
    ASSERT_TRUE(mergeLora(*merged, file.value(), c.unetWeight, c.textWeight));
    const auto withMerged = test::imageTensor(generate(merged, r));
    const auto plain = test::imageTensor(generate(loadFixture(c.sdxl), r));

    const double exact = test::psnrU8(withAdapters, withMerged);
    const double effect = test::psnrU8(withAdapters, plain);
    std::cout << c.label << ": run time vs merged " << exact << " dB; with vs without the LoRA "
              << effect << " dB\n";
    EXPECT_GE(exact, 40.0) << c.label;
    EXPECT_LT(effect, 36.0) << c.label << ": the LoRA must change the image";
}

} // namespace

TEST(LoraRunTimeVsMerged, KohyaUnetAndTextSd15)
{
    compare({"SD 1.5 kohya <lora:x:1>", false, test::TestLoraNaming::Kohya, 1.0f, 1.0f});
}

TEST(LoraRunTimeVsMerged, PeftUnetAndTextSd15)
{
    compare({"SD 1.5 PEFT <lora:x:0.8>", false, test::TestLoraNaming::Peft, 0.8f, 0.8f});
}

TEST(LoraRunTimeVsMerged, UnetOnlyAndTextOnlySd15)
{
    compare({"SD 1.5 kohya <lora:x:1:0>", false, test::TestLoraNaming::Kohya, 1.0f, 0.0f});
    compare({"SD 1.5 kohya <lora:x:0:1>", false, test::TestLoraNaming::Kohya, 0.0f, 1.0f});
}

TEST(LoraRunTimeVsMerged, FusedRunWithARegionSd15)
{
    compare(
        {"SD 1.5 kohya <lora:x:1>, fused", false, test::TestLoraNaming::Kohya, 1.0f, 1.0f, true});
}

TEST(LoraRunTimeVsMerged, Sdxl)
{
    compare({"SDXL kohya <lora:x:1>", true, test::TestLoraNaming::Kohya, 1.0f, 1.0f});
    compare({"SDXL PEFT <lora:x:1:0>", true, test::TestLoraNaming::Peft, 1.0f, 0.0f});
    compare({"SDXL kohya <lora:x:0:1>", true, test::TestLoraNaming::Kohya, 0.0f, 1.0f});
}

TEST(LoraRunTimeVsMerged, AnotherFamilysLoraIsRefusedWithItsName)
{
    torch::NoGradGuard noGrad;
    auto sdxl = loadFixture(true);
    const std::string dir = test::tempPath("lora-other-family");
    std::filesystem::create_directories(dir);
    ASSERT_TRUE(test::writeTestLora(dir + "/xl.safetensors", test::loraTargetsOf(*sdxl)));
    GenerateRequest r;
    r.prompt = "a cat <lora:xl:1>";
    r.width = 64;
    r.height = 64;
    r.steps = 2;
    r.loraDirs = {dir};
    ModelSession session(loadFixture(false));
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(r);
    ASSERT_FALSE(result);
    std::cout << "SDXL LoRA on SD 1.5: " << result.error() << "\n";
    EXPECT_NE(result.error().find("<lora:xl>"), std::string::npos) << result.error();
    EXPECT_NE(result.error().find("SDXL"), std::string::npos) << result.error();
    EXPECT_EQ(session.attachedLoras(), 0);
}

} // namespace md

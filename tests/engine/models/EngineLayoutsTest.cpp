// md::Engine end to end on synthetic models: the same model as a diffusers folder and as a
// single-file checkpoint (tokenizer beside it, no configs) must give the same image, for SD
// 1.x-style (epsilon) and SD 2.x-style (v-prediction) architectures, DDIM and Euler, small
// non-square sizes. The --prediction override must be obeyed.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/models/ModelTestSupport.h"

#include <cmath>
#include <filesystem>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

torch::Tensor asTensor(const RgbImage& image)
{
    return torch::from_blob(const_cast<std::uint8_t*>(image.pixels.data()),
                            {image.height, image.width, 3}, torch::kUInt8)
        .clone();
}

struct EngineRun
{
    ModelInfo info;
    RgbImage image;
};

EngineRun generate(const std::string& path, const GenerateRequest& request,
                   PredictionType prediction = PredictionType::Auto)
{
    Engine engine;
    ModelOptions options;
    options.path = path;
    options.device = "cpu";
    options.dtype = "float32";
    options.prediction = prediction;
    if (Status s = engine.load(options); !s)
        throw std::runtime_error("load " + path + ": " + s.message());
    auto image = engine.generate(request);
    if (!image)
        throw std::runtime_error("generate " + path + ": " + image.error());
    return {engine.info(), image.value()};
}

GenerateRequest request(SamplerKind sampler, int width, int height)
{
    GenerateRequest r;
    r.prompt = "a red house by a lake, evening";
    r.negative = "blurry";
    r.width = width;
    r.height = height;
    r.steps = 4;
    r.cfg = 6.0f;
    r.seed = 1234;
    r.sampler = sampler;
    return r;
}

// Not a flat image: a model that loaded nothing useful would still give identical images.
void expectStructured(const RgbImage& image)
{
    auto t = asTensor(image).to(torch::kFloat32);
    EXPECT_GT(t.std().item<double>(), 2.0) << "a flat image";
}

struct Case
{
    const char* spec;
    SamplerKind sampler;
    int width;
    int height;
    const char* prediction; // what info() must report
};

class EngineLayouts : public ::testing::TestWithParam<Case>
{
};

TEST_P(EngineLayouts, FolderAndSingleFileGiveTheSameImage)
{
    const Case c = GetParam();
    const test::WrittenModel w =
        test::writeModel(test::specByName(c.spec), "-engine-" + samplerName(c.sampler));
    const GenerateRequest r = request(c.sampler, c.width, c.height);
    const EngineRun folder = generate(w.folder, r);
    const EngineRun single = generate(w.singleFile, r);
    EXPECT_EQ(folder.info.prediction, c.prediction);
    EXPECT_EQ(single.info.prediction, c.prediction);
    EXPECT_EQ(folder.info.family, single.info.family);
    EXPECT_EQ(folder.info.layout, "diffusers folder");
    EXPECT_EQ(single.info.layout, "single-file (LDM)");
    EXPECT_EQ(folder.info.unetParameters, single.info.unetParameters);
    EXPECT_EQ(folder.info.vaeParameters, single.info.vaeParameters);
    EXPECT_EQ(folder.info.textEncoderParameters, single.info.textEncoderParameters);
    ASSERT_EQ(folder.image.width, c.width);
    ASSERT_EQ(folder.image.height, c.height);
    ASSERT_EQ(single.image.width, c.width);
    ASSERT_EQ(single.image.height, c.height);
    expectStructured(folder.image);
    const double psnr = test::psnrU8(asTensor(folder.image), asTensor(single.image));
    EXPECT_GT(psnr, 60.0) << "folder vs single file";
    RecordProperty("psnr_db", std::isinf(psnr) ? "inf" : std::to_string(psnr));
}

INSTANTIATE_TEST_SUITE_P(
    Models, EngineLayouts,
    ::testing::Values(Case{"sd1-style", SamplerKind::Ddim, 64, 64, "epsilon"},
                      Case{"sd1-style", SamplerKind::Euler, 128, 96, "epsilon"},
                      Case{"sd1-small", SamplerKind::Euler, 96, 64, "epsilon"},
                      Case{"sd2-style", SamplerKind::Ddim, 128, 96, "v_prediction"},
                      Case{"sd2-style", SamplerKind::Euler, 64, 64, "v_prediction"},
                      Case{"sd2-tiny", SamplerKind::Ddim, 96, 64, "v_prediction"}),
    [](const ::testing::TestParamInfo<Case>& info) {
        std::string s = std::string(info.param.spec) + "_" + samplerName(info.param.sampler) + "_" +
                        std::to_string(info.param.width) + "x" + std::to_string(info.param.height);
        for (char& ch : s)
            if (ch == '-')
                ch = '_';
        return s;
    });

TEST(EngineLayouts, PredictionOverrideIsAuthoritative)
{
    const test::WrittenModel w = test::writeModel(test::sd2TinySpec(), "-engine-override");
    const GenerateRequest r = request(SamplerKind::Ddim, 64, 64);
    const EngineRun autoRun = generate(w.singleFile, r);
    const EngineRun vRun = generate(w.singleFile, r, PredictionType::VPrediction);
    const EngineRun epsRun = generate(w.singleFile, r, PredictionType::Epsilon);
    const EngineRun folderEps = generate(w.folder, r, PredictionType::Epsilon);
    EXPECT_EQ(autoRun.info.prediction, "v_prediction");
    EXPECT_EQ(vRun.info.prediction, "v_prediction");
    EXPECT_EQ(epsRun.info.prediction, "epsilon");
    EXPECT_EQ(folderEps.info.prediction, "epsilon"); // over the folder's scheduler config
    EXPECT_EQ(autoRun.image.pixels, vRun.image.pixels);
    EXPECT_NE(vRun.image.pixels, epsRun.image.pixels);
    EXPECT_GT(test::psnrU8(asTensor(epsRun.image), asTensor(folderEps.image)), 60.0);
}

TEST(EngineLayouts, WrongShapedTensorIsNamedWhenLoading)
{
    test::SyntheticModel model = test::makeSyntheticModel(test::sd1SmallSpec());
    for (auto& [name, t] : model.unet)
        if (name == "up_blocks.2.resnets.1.conv2.weight")
            t = torch::zeros({32, 16, 3, 3});
    const std::string dir = test::tempPath("sd1-small-engine-badshape");
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/bad.safetensors";
    test::writeLdmSingleFile(model, path);
    Engine engine;
    ModelOptions options;
    options.path = path;
    options.tokenizerDir = test::fixturePath("tiny-sd15/tokenizer");
    options.device = "cpu";
    const Status s = engine.load(options);
    ASSERT_FALSE(s);
    EXPECT_FALSE(engine.isLoaded());
    // LDM output_blocks.(2 * (1 + 1) + 1) = 5; a resnet conv2 is out_layers.3.
    EXPECT_NE(s.message().find("model.diffusion_model.output_blocks.5.0.out_layers.3.weight"),
              std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("up_blocks.2.resnets.1.conv2.weight"), std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("[32, 16, 3, 3]"), std::string::npos) << s.message();
}

TEST(EngineLayouts, TokenizeAgreesAcrossLayouts)
{
    const test::WrittenModel w = test::writeModel(test::sd1SmallSpec(), "-engine-tokens");
    Engine a, b;
    ModelOptions oa, ob;
    oa.path = w.folder;
    ob.path = w.singleFile;
    oa.device = ob.device = "cpu";
    ASSERT_TRUE(a.load(oa));
    ASSERT_TRUE(b.load(ob));
    auto ta = a.tokenize("A photo of a cat, 4k!");
    auto tb = b.tokenize("A photo of a cat, 4k!");
    ASSERT_TRUE(ta) << ta.error();
    ASSERT_TRUE(tb) << tb.error();
    EXPECT_EQ(ta.value(), tb.value());
    EXPECT_EQ(ta.value().size(), 77u);
}

} // namespace
} // namespace md

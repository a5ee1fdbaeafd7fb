// The tiny decoder in a loaded model (the tiny-sd15 fixture, a single file linked into a
// temporary folder): found beside the model, named, turned off, or unusable (corrupt,
// another family) without failing the model's loading; per-step previews at full size and
// the fast final decode.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/preview/LatentPreviewer.h"
#include "engine/taesd/TinyDecoderFiles.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

namespace fs = std::filesystem;

TinyDecoderConfig narrowConfig()
{
    TinyDecoderConfig c;
    c.blockOutChannels = {8, 8, 8, 8};
    c.numBlocks = {1, 1, 1, 1};
    return c;
}

// <tmp>/<name>/tiny-sd15.safetensors (a link to the fixture); returns the model path.
std::string modelFolder(const std::string& name)
{
    const fs::path dir = test::tempPath(name);
    fs::create_directories(dir);
    const fs::path model = dir / "tiny-sd15.safetensors";
    fs::create_symlink(test::fixturePath("tiny-sd15.safetensors"), model);
    return model.string();
}

ModelOptions optionsFor(const std::string& model, const std::string& previewDecoder = "")
{
    ModelOptions o;
    o.path = model;
    o.device = "cpu";
    o.previewDecoder = previewDecoder;
    o.tokenizerDir = test::fixturePath("tiny-sd15/tokenizer"); // the fixture file has none
    return o;
}

std::string describedDecoder(const Engine& engine)
{
    for (const auto& [label, value] : engine.describe())
        if (label == "preview decoder")
            return value;
    return "(none)";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

TEST(EnginePreviewDecoder, FoundBesideTheModelAndDescribed)
{
    const std::string model = modelFolder("engine-taesd-beside");
    const std::string decoder =
        (fs::path(model).parent_path() / "taesd_decoder.safetensors").string();
    auto source = test::randomTinyDecoder(narrowConfig(), 21);
    test::writeTaesdFile(source, decoder);
    Engine engine;
    const Status status = engine.load(optionsFor(model));
    ASSERT_TRUE(status) << status.message();
    EXPECT_EQ(engine.info().previewDecoder, decoder);
    EXPECT_EQ(engine.info().previewDecoderNote, "");
    EXPECT_TRUE(contains(describedDecoder(engine), "TAESD decoder file"))
        << describedDecoder(engine);
    EXPECT_TRUE(contains(describedDecoder(engine), decoder));

    Engine off;
    ASSERT_TRUE(off.load(optionsFor(model, "none")));
    EXPECT_EQ(off.info().previewDecoder, "");
    EXPECT_TRUE(contains(describedDecoder(off), "linear (turned off")) << describedDecoder(off);
}

TEST(EnginePreviewDecoder, UnusableDecodersLeaveTheLinearPreview)
{
    const std::string model = modelFolder("engine-taesd-corrupt");
    const std::string corrupt =
        (fs::path(model).parent_path() / "taesd_decoder.safetensors").string();
    std::ofstream(corrupt) << "truncated download";
    Engine engine;
    const Status status = engine.load(optionsFor(model));
    ASSERT_TRUE(status) << status.message(); // the model loads all the same
    EXPECT_EQ(engine.info().previewDecoder, "");
    EXPECT_TRUE(contains(engine.info().previewDecoderNote, "taesd_decoder.safetensors"))
        << engine.info().previewDecoderNote;
    EXPECT_TRUE(contains(describedDecoder(engine), "linear (")) << describedDecoder(engine);

    TinyDecoderConfig flux = narrowConfig();
    flux.latentChannels = 16;
    auto other = test::randomTinyDecoder(flux, 22);
    const std::string wrong = test::tempPath("taef1_decoder.safetensors");
    test::writeTaesdFile(other, wrong);
    Engine named;
    ASSERT_TRUE(named.load(optionsFor(model, wrong)));
    EXPECT_EQ(named.info().previewDecoder, "");
    EXPECT_TRUE(contains(named.info().previewDecoderNote, "another model family"))
        << named.info().previewDecoderNote;
    auto image = named.generate([] {
        GenerateRequest r;
        r.prompt = "a red cat";
        r.width = r.height = 64;
        r.steps = 2;
        r.fastDecode = true; // no tiny decoder: the VAE decodes
        return r;
    }());
    ASSERT_TRUE(image) << image.error();
    EXPECT_EQ(image->width, 64);
}

TEST(EnginePreviewDecoder, FastDecodeAndFullSizePreviews)
{
    auto loaded =
        StableDiffusionModel::load(optionsFor(test::fixturePath("tiny-sd15.safetensors")));
    ASSERT_TRUE(loaded) << loaded.error();
    auto source = test::randomTinyDecoder(narrowConfig(), 23);
    const std::string file = test::tempPath("engine-fast-taesd_decoder.safetensors");
    test::writeTaesdFile(source, file);
    auto tiny = TinyPreviewDecoder::load(file, 4, 8, torch::kCPU, torch::kFloat32);
    ASSERT_TRUE(tiny) << tiny.error();
    ModelSession session(loaded.value());
    session.setPreviewDecoder(tiny.value(), "");
    DiffusionPipeline pipeline(session);

    GenerateRequest r;
    r.prompt = "a red cat";
    r.width = 64;
    r.height = 48;
    r.steps = 3;
    r.seed = 5;
    r.fastDecode = true;
    std::vector<RgbImage> previews;
    GenerateCallbacks callbacks;
    callbacks.onPreview = [&previews](const PreviewFrame& f) {
        if (!f.fullDecode)
            previews.push_back(f.image);
    };
    auto fast = pipeline.run(r, callbacks);
    ASSERT_TRUE(fast) << fast.error();
    const RgbImage expected = tensorToRgb(tiny.value()->decode(fast->latents));
    EXPECT_EQ(fast->image.pixels, expected.pixels); // the tiny decoder made the image
    // Each cheap preview is the tiny decoder's (full size) or, where the CPU budget said no,
    // the linear one (latent size).
    ASSERT_EQ(previews.size(), 2u);
    for (const RgbImage& p : previews)
        EXPECT_TRUE((p.width == 64 && p.height == 48) || (p.width == 8 && p.height == 6))
            << p.width << "x" << p.height;

    r.fastDecode = false;
    auto full = pipeline.run(r);
    ASSERT_TRUE(full) << full.error();
    EXPECT_TRUE(torch::equal(full->latents, fast->latents));
    EXPECT_NE(full->image.pixels, fast->image.pixels); // the VAE's image
    EXPECT_EQ(full->image.pixels, session.decodeToRgb(full->latents, false).pixels);
}

} // namespace
} // namespace md

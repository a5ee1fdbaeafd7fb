// The public Engine: errors as values, tokenize, overrides, progress, previews, cancel.

#include "engine/Engine.h"

#include "engine/common/Fixtures.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelLocator.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/PipelineTestSupport.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace md;

namespace {

ModelOptions fixtureOptions()
{
    ModelOptions o;
    o.path = test::fixturePath("tiny-sd15");
    o.device = "cpu";
    return o;
}

Engine& loadedEngine()
{
    static Engine engine;
    static const Status status = engine.load(fixtureOptions());
    EXPECT_TRUE(status.isOk()) << status.message();
    return engine;
}

GenerateRequest smallRequest()
{
    return test::smallEulerRequest("a red cat", 4, 3);
}

} // namespace

TEST(Engine, ErrorsAreValues)
{
    Engine engine;
    EXPECT_FALSE(engine.isLoaded());
    auto image = engine.generate(smallRequest());
    ASSERT_FALSE(image.isOk());
    EXPECT_NE(image.error().find("no model"), std::string::npos);

    ModelOptions bad;
    bad.path = test::tempPath("no-such-model");
    const auto s = engine.load(bad);
    ASSERT_FALSE(s.isOk());
    EXPECT_NE(s.message().find("no-such-model"), std::string::npos) << s.message();
    EXPECT_FALSE(engine.isLoaded());

    auto o = fixtureOptions();
    o.device = "tpu";
    EXPECT_FALSE(engine.load(o).isOk());
    o = fixtureOptions();
    o.clipSkip = 99;
    const auto skip = engine.load(o);
    ASSERT_FALSE(skip.isOk());
    EXPECT_NE(skip.message().find("clip skip"), std::string::npos) << skip.message();
}

TEST(Engine, TokenizeMatchesEveryFixtureCase)
{
    Engine& engine = loadedEngine();
    std::ifstream in(test::fixturePath("tiny-sd15-tokenizer-cases.json"));
    const auto cases = nlohmann::json::parse(in);
    ModelOptions single;
    single.path = test::fixturePath("tiny-sd15.safetensors");
    single.tokenizerDir = test::fixturePath("tiny-sd15/tokenizer");
    for (const auto& c : cases) {
        const auto text = c.at("text").get<std::string>();
        const auto expected = c.at("ids").get<std::vector<int>>();
        auto ids = engine.tokenize(text);
        ASSERT_TRUE(ids.isOk()) << ids.error();
        EXPECT_EQ(ids.value(), expected) << text;
        auto fileIds = Engine::tokenizeFile(single, text);
        ASSERT_TRUE(fileIds.isOk()) << fileIds.error();
        EXPECT_EQ(fileIds.value(), expected) << text;
    }
}

TEST(Engine, InfoAndOverrides)
{
    const auto info = loadedEngine().info();
    EXPECT_EQ(info.family, "SD 1.x");
    EXPECT_EQ(info.prediction, "epsilon");
    EXPECT_EQ(info.dtype, "float32");
    EXPECT_EQ(info.device, "cpu");
    EXPECT_EQ(info.clipSkip, 1);
    EXPECT_EQ(info.vaeScaleFactor, 8);
    EXPECT_GT(info.unetParameters, 0);
    EXPECT_GT(info.vaeParameters, 0);
    EXPECT_GT(info.textEncoderParameters, 0);
    bool hasArchitecture = false;
    for (const auto& [k, v] : loadedEngine().describe())
        hasArchitecture = hasArchitecture || (k == "architecture" && v == "SD 1.x");
    EXPECT_TRUE(hasArchitecture);

    Engine other;
    auto o = fixtureOptions();
    o.prediction = PredictionType::VPrediction;
    o.clipSkip = 2;
    ASSERT_TRUE(other.load(o).isOk());
    EXPECT_EQ(other.info().prediction, "v_prediction");
    EXPECT_EQ(other.info().clipSkip, 2);
}

TEST(Engine, RequestsAreChecked)
{
    Engine& engine = loadedEngine();
    auto r = smallRequest();
    r.width = 100;
    auto image = engine.generate(r);
    ASSERT_FALSE(image.isOk());
    EXPECT_NE(image.error().find("multiples of 8"), std::string::npos) << image.error();
    r = smallRequest();
    r.steps = 0;
    EXPECT_FALSE(engine.generate(r).isOk());
    r = smallRequest();
    r.cfg = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(engine.generate(r).isOk());
}

TEST(Engine, LimitsComeFromEngineTypes)
{
    Engine& engine = loadedEngine();
    auto r = smallRequest();
    r.width = kMaxCanvasSize + kCanvasMultiple;
    auto image = engine.generate(r);
    ASSERT_FALSE(image.isOk());
    EXPECT_NE(image.error().find("at most " + std::to_string(kMaxCanvasSize)), std::string::npos)
        << image.error();
    r = smallRequest();
    r.window = kMinWindow - 1;
    EXPECT_FALSE(engine.validate(r).isOk());
    r.window = kMaxWindow + 1;
    EXPECT_FALSE(engine.validate(r).isOk());
    r = smallRequest();
    r.stride = kMaxStride + 1;
    EXPECT_FALSE(engine.validate(r).isOk());
    r = smallRequest();
    r.featherPx = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(engine.validate(r).isOk());
    r = smallRequest();
    r.regions.resize(kMaxRegions + 1);
    EXPECT_FALSE(engine.validate(r).isOk());
}

TEST(Engine, PlanSaysHowARequestRuns)
{
    Engine none;
    EXPECT_FALSE(none.plan(smallRequest()).isOk());

    Engine& engine = loadedEngine();
    auto plain = engine.plan(smallRequest());
    ASSERT_TRUE(plain.isOk()) << plain.error();
    EXPECT_FALSE(plain->fused);
    EXPECT_EQ(plain->latentWidth, 8);
    EXPECT_EQ(plain->views, 1);
    EXPECT_EQ(plain->prompts, 1);
    EXPECT_EQ(plain->unetSamplesPerStep, 2); // uncond + cond
    EXPECT_EQ(plain->unetBatchesPerStep, 1);
    auto r = smallRequest();
    r.cfg = 1.0f;
    EXPECT_EQ(engine.plan(r)->unetSamplesPerStep, 1); // no guidance: cond only

    r = smallRequest();
    r.width = 1024;
    r.height = 512;
    r.maxBatch = 4;
    Region region;
    region.prompt = "a dog";
    region.box = Box{0, 0, 256, 256};
    r.regions = {region};
    auto fused = engine.plan(r);
    ASSERT_TRUE(fused.isOk()) << fused.error();
    EXPECT_TRUE(fused->fused);
    EXPECT_EQ(fused->views, 9); // 64-latent views every 8 latents across 128
    EXPECT_EQ(fused->viewWidth, 64);
    EXPECT_EQ(fused->prompts, 2);
    EXPECT_EQ(fused->batchLimit, 4);
    // The region (latent columns 0-31) has weight in the 4 views starting at x = 0, 8, 16,
    // 24 only; the background in all 9: 13 paths of the 18 pairs, uncond + cond each.
    EXPECT_EQ(fused->unetSamplesPerStep, 26);
    EXPECT_EQ(fused->unetBatchesPerStep, 7); // 13 paths, 2 per call
    EXPECT_FALSE(fused->wrappedDecode);
    // cfg <= 1: the cond pass alone, one sample per path, 4 paths per call of 4 samples.
    r.cfg = 1.0f;
    auto live = engine.plan(r);
    ASSERT_TRUE(live.isOk()) << live.error();
    EXPECT_FALSE(live->guided);
    EXPECT_EQ(live->unetSamplesPerStep, 13);
    EXPECT_EQ(live->unetBatchesPerStep, 4);
    r.cfg = 7.5f;

    r.width = 100;
    auto bad = engine.plan(r);
    ASSERT_FALSE(bad.isOk());
    EXPECT_NE(bad.error().find("multiples of 8"), std::string::npos) << bad.error();
    EXPECT_GT(engine.info().threads, 0);
}

TEST(Engine, ProgressPreviewsAndDeterminism)
{
    Engine& engine = loadedEngine();
    auto r = smallRequest();
    r.fullDecodeEvery = 2;
    int progress = 0;
    int cheap = 0;
    int full = 0;
    GenerateCallbacks cb;
    cb.onProgress = [&](const Progress& p) {
        ++progress;
        EXPECT_EQ(p.step, progress);
        EXPECT_EQ(p.totalSteps, 4);
    };
    cb.onPreview = [&](const PreviewFrame& f) {
        if (f.fullDecode) {
            ++full;
            EXPECT_EQ(f.image.width, 64);
        } else {
            ++cheap;
            EXPECT_EQ(f.image.width, 8); // one pixel per latent
        }
    };
    auto a = engine.generate(r, cb);
    ASSERT_TRUE(a.isOk()) << a.error();
    EXPECT_EQ(progress, 4);
    EXPECT_EQ(cheap, 2); // steps 1 and 3 (step 2 is a full decode, step 4 the final image)
    EXPECT_EQ(full, 2);  // step 2 and the final image
    EXPECT_EQ(a->width, 64);
    EXPECT_EQ(a->pixels.size(), 64u * 64u * 3u);
    auto b = engine.generate(r);
    ASSERT_TRUE(b.isOk());
    EXPECT_EQ(a->pixels, b->pixels); // same seed, same image
}

TEST(Engine, SeedsChangeTheLatents)
{
    // (The fixture's random UNet nearly ignores its input, so compare latents, not 8-bit images.)
    ModelSession session(test::fixtureFolderModel());
    DiffusionPipeline pipeline(session);
    auto r = smallRequest();
    auto a = pipeline.run(r);
    auto b = pipeline.run(r);
    r.seed = 4;
    auto c = pipeline.run(r);
    ASSERT_TRUE(a.isOk() && b.isOk() && c.isOk());
    EXPECT_TRUE(torch::equal(a->latents, b->latents));
    EXPECT_FALSE(torch::equal(a->initNoise, c->initNoise));
    EXPECT_FALSE(torch::equal(a->latents, c->latents));
}

TEST(Engine, CancelStopsBetweenSteps)
{
    Engine& engine = loadedEngine();
    std::atomic<bool> cancel{false};
    int progress = 0;
    GenerateCallbacks cb;
    cb.cancel = &cancel;
    cb.onProgress = [&](const Progress& p) {
        ++progress;
        if (p.step == 2)
            cancel = true;
    };
    auto image = engine.generate(smallRequest(), cb);
    ASSERT_FALSE(image.isOk());
    EXPECT_TRUE(image.status().isCancelled());
    EXPECT_EQ(progress, 2);
}

TEST(ModelLocator, FindsTheFirstModelFolder)
{
    namespace fs = std::filesystem;
    const fs::path root = test::tempPath("model-locator");
    fs::create_directories(root / "empty");
    fs::create_directories(root / "models" / "b-model");
    fs::create_directories(root / "models" / "a-notes");
    std::ofstream(root / "models" / "b-model" / "model_index.json") << "{}";
    std::ofstream(root / "models" / "a-notes" / "readme.txt") << "x";
    const auto found = findDefaultModel(
        {(root / "missing").string(), (root / "empty").string(), (root / "models").string()});
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(fs::path(*found), root / "models" / "b-model");
    EXPECT_FALSE(findDefaultModel({(root / "empty").string()}).has_value());
}

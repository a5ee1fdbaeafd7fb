// LoRA tags on the fixture model without applying any file: validation refuses bad tags and
// missing files with their messages, and the plan counts the UNet calls of a step: calls mix
// LoRA sets (stacked adapters), so regions with different LoRAs cost the calls of the run
// without LoRAs; grouped by set (DiffusionPipeline::setGroupLoraSets) they cost more.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace md {
namespace {

namespace fs = std::filesystem;

Engine& engine()
{
    static Engine e;
    static const Status status = [] {
        ModelOptions o;
        o.path = test::fixturePath("tiny-sd15");
        o.device = "cpu";
        return e.load(o);
    }();
    EXPECT_TRUE(status.isOk()) << status.message();
    return e;
}

// A folder with (empty) files named like LoRAs: validation and plan() only look them up.
std::string loraFolder()
{
    static const std::string dir = [] {
        const fs::path d = test::tempPath("lora-plan-files");
        fs::create_directories(d);
        for (const char* name : {"x", "y", "z"})
            std::ofstream(d / (std::string(name) + ".safetensors")) << "x";
        return d.string();
    }();
    return dir;
}

// A 512x128 canvas (64x16 latents: 5 views of a 32-latent window at stride 8)
// with a box region at each end; each region is seen by two views, the background by all.
GenerateRequest twoRegions(const std::string& left, const std::string& right)
{
    GenerateRequest r;
    r.prompt = "a field";
    r.width = 512;
    r.height = 128;
    r.steps = 2;
    r.maxBatch = 8;
    r.window = 32;
    r.loraDirs = {loraFolder()};
    Region a;
    a.prompt = left;
    a.box = Box{0, 0, 128, 128};
    Region b;
    b.prompt = right;
    b.box = Box{384, 0, 128, 128};
    r.regions = {a, b};
    return r;
}

TEST(LoraPlan, MalformedTagAndMissingFileAreRefused)
{
    GenerateRequest r = twoRegions("a cat <lora:x:much>", "a dog");
    Status s = engine().validate(r);
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("region 1's prompt: the LoRA tag \"<lora:x:much>\""),
              std::string::npos)
        << s.message();

    r = twoRegions("a cat", "a dog <lora:missing:1>");
    s = engine().validate(r);
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("\"missing\""), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(loraFolder()), std::string::npos) << s.message();
    EXPECT_FALSE(engine().plan(r));
    EXPECT_FALSE(engine().generate(r));

    r = twoRegions("a cat <lora:x>", "a dog <lora:y:0.5:1>");
    s = engine().validate(r);
    EXPECT_TRUE(s) << s.message();
}

TEST(LoraPlan, DifferentSetsShareCalls)
{
    auto none = engine().plan(twoRegions("a cat", "a dog"));
    auto same = engine().plan(twoRegions("a cat <lora:x:0.8>", "a dog <lora:x:0.8>"));
    auto different = engine().plan(twoRegions("a cat <lora:x:0.8>", "a dog <lora:y:0.8>"));
    ASSERT_TRUE(none && same && different);
    EXPECT_EQ(none->loraSets, 0);
    EXPECT_EQ(same->loraSets, 1);
    EXPECT_EQ(different->loraSets, 2);
    // The same passes in every case ...
    EXPECT_EQ(same->unetSamplesPerStep, none->unetSamplesPerStep);
    EXPECT_EQ(different->unetSamplesPerStep, none->unetSamplesPerStep);

    // ... grouped by set (the way before stacked adapters): more calls when the sets differ.
    ModelOptions o;
    o.path = test::fixturePath("tiny-sd15");
    o.device = "cpu";
    auto model = StableDiffusionModel::load(o);
    ASSERT_TRUE(model) << model.error();
    ModelSession session(model.value());
    DiffusionPipeline pipeline(session);
    pipeline.setGroupLoraSets(true);
    auto grouped = pipeline.plan(twoRegions("a cat <lora:x:0.8>", "a dog <lora:y:0.8>"));
    auto groupedSame = pipeline.plan(twoRegions("a cat <lora:x:0.8>", "a dog <lora:x:0.8>"));
    ASSERT_TRUE(grouped && groupedSame);
    std::cout << "UNet calls per step: no LoRA " << none->unetBatchesPerStep
              << ", both regions one set " << same->unetBatchesPerStep << ", two sets "
              << different->unetBatchesPerStep << " (grouped by set: one set "
              << groupedSame->unetBatchesPerStep << ", two sets " << grouped->unetBatchesPerStep
              << "; " << none->unetSamplesPerStep << " samples, batch limit " << none->batchLimit
              << ")\n";
    // Mixed calls: the calls of the run without LoRAs, whatever the sets.
    EXPECT_EQ(same->unetBatchesPerStep, none->unetBatchesPerStep);
    EXPECT_EQ(different->unetBatchesPerStep, none->unetBatchesPerStep);
    EXPECT_LT(different->unetBatchesPerStep, grouped->unetBatchesPerStep);
    EXPECT_LT(groupedSame->unetBatchesPerStep, grouped->unetBatchesPerStep);

    // A LoRA in the background acts on every pass: one set, the calls of the run without.
    GenerateRequest r = twoRegions("a cat", "a dog");
    r.prompt += " <lora:z:0.7>";
    auto background = engine().plan(r);
    ASSERT_TRUE(background);
    EXPECT_EQ(background->loraSets, 1);
    EXPECT_EQ(background->unetBatchesPerStep, none->unetBatchesPerStep);
}

} // namespace
} // namespace md

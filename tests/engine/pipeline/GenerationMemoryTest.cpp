// The memory and work estimate before a generation (GenerationMemory through the Engine):
// it grows with the canvas and the regions, a request beyond a small available memory is
// refused before any UNet call with the figure and a size that fits, and a normal one runs.

#include "engine/pipeline/GenerationMemory.h"

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/io/MemoryEstimate.h"
#include "engine/pipeline/FixtureEngine.h"

#include <gtest/gtest.h>
#include <string>

using namespace md;

namespace {

GenerateRequest request(int width, int height, int regions)
{
    GenerateRequest r;
    r.prompt = "a valley";
    r.width = width;
    r.height = height;
    r.steps = 3;
    r.seed = 5;
    r.sampler = SamplerKind::Euler;
    for (int i = 0; i < regions; ++i) {
        Region region;
        region.prompt = "a house " + std::to_string(i);
        region.box = Box{0, 0, width / 2, height / 2};
        r.regions.push_back(region);
    }
    return r;
}

GenerationEstimate estimateOf(Engine& engine, const GenerateRequest& r)
{
    auto e = engine.estimate(r);
    EXPECT_TRUE(e.isOk()) << e.status().message();
    return e.isOk() ? e.value() : GenerationEstimate{};
}

} // namespace

TEST(GenerationMemory, GrowsWithSizeAndRegions)
{
    Engine& engine = test::fixtureEngine();
    engine.setAvailableMemory(std::nullopt);
    const auto small = estimateOf(engine, request(512, 512, 0));
    const auto medium = estimateOf(engine, request(1024, 1024, 0));
    const auto large = estimateOf(engine, request(2048, 2048, 0));
    const auto regions = estimateOf(engine, request(2048, 2048, 6));
    EXPECT_GT(small.weightBytes, 0);
    EXPECT_GT(medium.workBytes, small.workBytes);
    EXPECT_GT(large.workBytes, medium.workBytes);
    EXPECT_GT(regions.workBytes, large.workBytes);
    EXPECT_GT(regions.peakBytes(), regions.workBytes + regions.weightBytes);
    // UNet evaluations: steps x views x prompts x 2. 512: one plain guided view.
    EXPECT_EQ(small.unetEvaluations, 3 * 2);
    // 2048 px = 256 latent: views of 64 every 8 -> 25 x 25.
    EXPECT_EQ(large.unetEvaluations, 3 * 25 * 25 * 2);
    // With regions, only the (view, prompt) pairs with weight in their view are evaluated:
    // the plan's count, fewer than all 25 x 25 x 7 pairs, more than the background alone.
    auto plan = engine.plan(request(2048, 2048, 6));
    ASSERT_TRUE(plan.isOk()) << plan.error();
    EXPECT_EQ(regions.unetEvaluations, std::int64_t{3} * plan->unetSamplesPerStep);
    EXPECT_LT(regions.unetEvaluations, 3 * 25 * 25 * 7 * 2);
    EXPECT_GT(regions.unetEvaluations, large.unetEvaluations);
    EXPECT_GE(regions.unetCalls, 3);
}

TEST(GenerationMemory, RefusedBeforeAnyUNetCallWithASizeThatFits)
{
    Engine& engine = test::fixtureEngine();
    engine.setAvailableMemory(std::nullopt);
    const auto big = request(2048, 1024, 2);
    const auto fitting = estimateOf(engine, request(512, 256, 2));
    engine.setAvailableMemory(fitting.workBytes + 1);

    const auto refused = estimateOf(engine, big);
    EXPECT_FALSE(refused.fits);
    EXPECT_EQ(refused.availableSource, "set by the caller");
    EXPECT_GE(refused.fitWidth, 512);
    EXPECT_LT(refused.fitWidth, 2048);
    EXPECT_NEAR(refused.fitWidth, 2 * refused.fitHeight, 16); // the request's shape
    EXPECT_NE(refused.message.find("needs about"), std::string::npos) << refused.message;
    EXPECT_NE(refused.message.find(gibText(refused.workBytes)), std::string::npos);
    const std::string size =
        std::to_string(refused.fitWidth) + "x" + std::to_string(refused.fitHeight);
    EXPECT_NE(refused.message.find("fits is " + size), std::string::npos) << refused.message;
    EXPECT_TRUE(estimateOf(engine, request(refused.fitWidth, refused.fitHeight, 2)).fits);

    int progress = 0;
    GenerateCallbacks callbacks;
    callbacks.onProgress = [&](const Progress&) { ++progress; };
    auto image = engine.generate(big, callbacks);
    ASSERT_FALSE(image.isOk());
    EXPECT_EQ(image.error(), refused.message);
    EXPECT_EQ(progress, 0); // no UNet batch ran

    // Nothing fits in 1 byte: the message says so.
    engine.setAvailableMemory(1);
    const auto none = estimateOf(engine, big);
    EXPECT_FALSE(none.fits);
    EXPECT_EQ(none.fitWidth, 0);
    EXPECT_NE(none.message.find("no size of this shape fits"), std::string::npos);
    engine.setAvailableMemory(std::nullopt);
}

TEST(GenerationMemory, NormalRequestPasses)
{
    Engine& engine = test::fixtureEngine();
    engine.setAvailableMemory(std::nullopt);
    const auto r = request(64, 64, 1);
    const auto e = estimateOf(engine, r);
    EXPECT_TRUE(e.fits) << e.message;
    EXPECT_TRUE(e.availableBytes.has_value()); // Linux: MemAvailable at least
    EXPECT_TRUE(e.message.empty());
    auto image = engine.generate(r);
    ASSERT_TRUE(image.isOk()) << image.status().message();
    EXPECT_EQ(image.value().width, 64);
}

TEST(GenerationMemory, ReadsStatusFields)
{
    const std::string status = "Name:\tx\nVmSize:\t  123456 kB\nVmData:\t 42 kB\n";
    EXPECT_EQ(GenerationMemory::statusField(status, "VmSize"), 123456LL * 1024);
    EXPECT_EQ(GenerationMemory::statusField(status, "VmData"), 42LL * 1024);
    EXPECT_FALSE(GenerationMemory::statusField(status, "VmRSS").has_value());
    const auto budget = GenerationMemory::machineBudget();
    ASSERT_TRUE(budget.bytes.has_value());
    EXPECT_GT(*budget.bytes, 0);
}

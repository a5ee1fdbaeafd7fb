// A LoRA in one region's prompt acts only there (issue 14): on a wide canvas with the region
// at its left end, the pixels far from it (beyond what its views reach in the run's steps)
// match the run without the LoRA, and inside the region they change. Also: the session
// keeps a file attached between requests that use it and detaches it when none does.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ModelLoraTargets.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/common/TestLoraFile.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/LoraSets.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

struct Fixture
{
    std::shared_ptr<StableDiffusionModel> model;
    std::unique_ptr<ModelSession> session;
    std::unique_ptr<DiffusionPipeline> pipeline;
    std::string loraDir;
};

Fixture& fixture()
{
    static Fixture f = [] {
        Fixture s;
        ModelOptions o;
        o.path = test::fixturePath("tiny-sd15");
        o.device = "cpu";
        auto model = StableDiffusionModel::load(o);
        if (!model)
            throw std::runtime_error(model.error());
        s.model = model.value();
        s.session = std::make_unique<ModelSession>(s.model);
        s.pipeline = std::make_unique<DiffusionPipeline>(*s.session);
        s.loraDir = test::tempPath("lora-per-region");
        std::filesystem::create_directories(s.loraDir);
        const test::TestLoraTargets targets = test::loraTargetsOf(*s.model);
        for (const auto& [name, seed] : {std::pair<std::string, uint64_t>{"x", 3}, {"y", 4}}) {
            test::TestLoraOptions options;
            options.seed = seed;
            auto written =
                test::writeTestLora(s.loraDir + "/" + name + ".safetensors", targets, options);
            if (!written)
                throw std::runtime_error(written.error());
        }
        return s;
    }();
    return f;
}

// 1024x128 canvas (128x16 latents), 16-latent views at stride 8 (15 views); a region on the
// leftmost 128 pixels. In 6 steps a change inside the region reaches at most 16 + 5 x 8 = 56
// latent columns (448 px): the views that see changed latents move it one stride a step.
GenerateRequest wideRequest(const std::string& regionPrompt)
{
    GenerateRequest r;
    r.prompt = "a wide field under a grey sky";
    r.negative = "blurry";
    r.width = 1024;
    r.height = 128;
    r.window = 16;
    r.stride = 8;
    r.steps = 6;
    r.cfg = 6.0f;
    r.seed = 21;
    r.sampler = SamplerKind::Euler;
    r.loraDirs = {fixture().loraDir};
    Region region;
    region.prompt = regionPrompt;
    region.box = Box{0, 0, 128, 128};
    r.regions.push_back(region);
    return r;
}

torch::Tensor run(const GenerateRequest& r)
{
    auto result = fixture().pipeline->run(r);
    if (!result)
        throw std::runtime_error(result.error());
    return test::imageTensor(result->image);
}

torch::Tensor columns(const torch::Tensor& image, int from, int to)
{
    return image.narrow(1, from, to - from);
}

} // namespace

TEST(LoraPerRegion, ActsInsideItsRegionOnly)
{
    torch::NoGradGuard noGrad;
    const auto plain = run(wideRequest("a red cat"));
    const auto withLora = run(wideRequest("a red cat <lora:x:1>"));
    std::cout << "PSNR with vs without the region's LoRA, per 128-px band:";
    for (int x = 0; x < 1024; x += 128)
        std::cout << " " << test::psnrU8(columns(withLora, x, x + 128), columns(plain, x, x + 128));
    std::cout << "\n";
    const double inside = test::psnrU8(columns(withLora, 0, 128), columns(plain, 0, 128));
    const double far = test::psnrU8(columns(withLora, 640, 1024), columns(plain, 640, 1024));
    std::cout << "inside the region " << inside << " dB, far from it (640-1024 px) " << far
              << " dB\n";
    EXPECT_LT(inside, 30.0);
    EXPECT_GE(far, 40.0);
}

TEST(LoraPerRegion, EncodingsAreCachedPerTextWeightsAndFile)
{
    torch::NoGradGuard noGrad;
    auto& session = *fixture().session;
    const std::string path = fixture().loraDir + "/z.safetensors";
    const test::TestLoraTargets targets = test::loraTargetsOf(*fixture().model);
    test::TestLoraOptions options;
    options.seed = 5;
    ASSERT_TRUE(test::writeTestLora(path, targets, options));
    auto slots = session.useLoras({{"z", path}});
    ASSERT_TRUE(slots) << slots.error();
    ASSERT_EQ(slots->size(), 1u);
    const std::vector<float> weights = LoraSets::toSlots({1.0f}, slots.value());
    auto& prompts = session.prompts();
    const auto plain = prompts.encode("a red cat").context.clone();
    const auto adapted = prompts.encode("a red cat", weights).context.clone();
    EXPECT_GT(test::maxAbsDiff(plain, adapted), 1e-3);
    EXPECT_TRUE(torch::equal(prompts.encode("a red cat").context, plain));
    EXPECT_TRUE(torch::equal(prompts.encode("a red cat", weights).context, adapted));

    // The same file name with other weights (a newer modification time): read again, and the
    // encodings made with the old file are not reused.
    const auto before = std::filesystem::last_write_time(path);
    options.seed = 6;
    ASSERT_TRUE(test::writeTestLora(path, targets, options));
    std::filesystem::last_write_time(path, before + std::chrono::seconds(2));
    slots = session.useLoras({{"z", path}});
    ASSERT_TRUE(slots) << slots.error();
    const auto reread =
        prompts.encode("a red cat", LoraSets::toSlots({1.0f}, slots.value())).context;
    EXPECT_GT(test::maxAbsDiff(reread, adapted), 1e-3);
    EXPECT_TRUE(torch::equal(prompts.encode("a red cat").context, plain));
    ASSERT_TRUE(session.useLoras({}));
    EXPECT_EQ(session.attachedLoras(), 0);
}

TEST(LoraPerRegion, SessionKeepsFilesAttachedWhileUsed)
{
    torch::NoGradGuard noGrad;
    auto& session = *fixture().session;
    run(wideRequest("a red cat <lora:x:1> <lora:y:0.5>"));
    EXPECT_EQ(session.attachedLoras(), 2);
    run(wideRequest("a red cat <lora:x:0.7>"));
    EXPECT_EQ(session.attachedLoras(), 1);
    run(wideRequest("a red cat"));
    EXPECT_EQ(session.attachedLoras(), 0);
}

} // namespace md

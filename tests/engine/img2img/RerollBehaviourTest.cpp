// A reroll regenerates only inside its mask: the pixels outside it are the start image's
// exactly and the pixels well inside it change, with a hard mask that is not aligned to the
// latent grid, with a feathered one, and in the fused (regions) path.

#include "engine/common/ReferenceTensors.h"
#include "engine/img2img/Img2ImgCases.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

constexpr int kX0 = 70, kY0 = 61, kX1 = 181, kY1 = 170; // the selection, not 8-aligned

GenerateRequest rerollRequest(float featherPx, float strength)
{
    GenerateRequest r = test::img2imgCase("img2img.euler_a.s06");
    r.steps = 4;
    r.strength = strength;
    r.featherPx = featherPx;
    r.sampler = SamplerKind::DpmPp2mKarras;
    r.rerollMask.width = r.width;
    r.rerollMask.height = r.height;
    r.rerollMask.values.assign(static_cast<size_t>(r.width) * r.height, 0.f);
    for (int y = kY0; y < kY1; ++y)
        for (int x = kX0; x < kX1; ++x)
            r.rerollMask.values[static_cast<size_t>(y) * r.width + x] = 1.f;
    return r;
}

// [H, W] bool: the box grown (margin > 0) or shrunk (margin < 0) by `margin` pixels.
torch::Tensor box(int width, int height, int margin)
{
    auto m = torch::zeros({height, width}, torch::kBool);
    m.index_put_({torch::indexing::Slice(std::max(0, kY0 - margin), std::min(height, kY1 + margin)),
                  torch::indexing::Slice(std::max(0, kX0 - margin), std::min(width, kX1 + margin))},
                 true);
    return m;
}

struct Outcome
{
    bool outsideKept = false;
    double insideChanged = 0; // the fraction of pixels well inside that changed
};

Outcome runReroll(const GenerateRequest& request, int featherMargin)
{
    ModelSession session(test::img2imgSd15Model());
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(request);
    EXPECT_TRUE(result.isOk()) << result.error();
    if (!result)
        return {};
    const auto image = test::imageTensor(result->image);
    const auto init = test::imageTensor(request.initImage);
    const auto outside = (~box(request.width, request.height, featherMargin)).unsqueeze(-1);
    const auto inside = box(request.width, request.height, -featherMargin - 8).unsqueeze(-1);
    Outcome o;
    o.outsideKept = torch::equal(image.masked_select(outside.expand_as(image)),
                                 init.masked_select(outside.expand_as(init)));
    const auto changed = (image != init).any(-1, true).masked_select(inside);
    o.insideChanged = changed.to(torch::kFloat32).mean().item<double>();
    return o;
}

} // namespace

TEST(Reroll, KeepsThePixelsOutsideAHardMask)
{
    for (float strength : {1.0f, 0.6f}) {
        SCOPED_TRACE(strength);
        const auto o = runReroll(rerollRequest(0.f, strength), 0);
        EXPECT_TRUE(o.outsideKept);
        EXPECT_GT(o.insideChanged, 0.9);
    }
}

TEST(Reroll, KeepsThePixelsOutsideAFeatheredMask)
{
    // featherPx 12: two box blurs of radius 6 reach 12 pixels beyond the selection.
    const auto o = runReroll(rerollRequest(12.f, 1.0f), 12);
    EXPECT_TRUE(o.outsideKept);
    EXPECT_GT(o.insideChanged, 0.9);
}

TEST(Reroll, KeepsThePixelsOutsideInTheFusedPath)
{
    GenerateRequest r = rerollRequest(4.f, 0.8f);
    Region region;
    region.prompt = "a green cube";
    region.box = Box{96, 96, 96, 96};
    r.regions.push_back(region);
    ModelSession session(test::img2imgSd15Model());
    DiffusionPipeline pipeline(session);
    auto plan = pipeline.plan(r);
    ASSERT_TRUE(plan.isOk()) << plan.error();
    EXPECT_TRUE(plan->fused);
    const auto o = runReroll(r, 4);
    EXPECT_TRUE(o.outsideKept);
    EXPECT_GT(o.insideChanged, 0.9);
}

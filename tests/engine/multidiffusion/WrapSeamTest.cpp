// The wrap-around seam of circular panoramas (issue 16, item 8), on the embedded model
// (resources/models/mds-tiny): an image that wraps must show no seam where its right edge
// meets its left, i.e. the column-to-column change across the wrap (last column -> first
// column) must be no larger than between any two neighbouring columns elsewhere.
//
// The figure: the mean |difference| between two neighbouring columns over rows and channels
// (0..255), across the wrap vs the largest elsewhere. Measured: a canvas one view wide
// (512x128) and both decode paths of a circular canvas, the whole decode (1024x256) and the
// tiled one (a latent beyond 4x the native area).

#include "engine/multidiffusion/CpuModels.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"

#include <algorithm>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <vector>

using namespace md;

namespace {

struct ColumnJumps
{
    double seam = 0;         // last column -> first column
    double maxElsewhere = 0; // the largest between two neighbouring columns
    double meanElsewhere = 0;
    std::vector<double> at; // the jumps after the columns asked for
};

ColumnJumps columnJumps(const RgbImage& image, const std::vector<int>& columns = {})
{
    auto t = torch::from_blob(const_cast<std::uint8_t*>(image.pixels.data()),
                              {image.height, image.width, 3}, torch::kUInt8)
                 .to(torch::kFloat32);
    const int64_t w = t.size(1);
    auto jumps =
        (t.narrow(1, 1, w - 1) - t.narrow(1, 0, w - 1)).abs().mean(std::vector<int64_t>{0, 2});
    ColumnJumps j;
    j.seam = (t.select(1, 0) - t.select(1, w - 1)).abs().mean().item<double>();
    j.maxElsewhere = jumps.max().item<double>();
    j.meanElsewhere = jumps.mean().item<double>();
    for (int c : columns)
        j.at.push_back(jumps[c].item<double>());
    return j;
}

GenerateRequest panorama(int width, int height)
{
    GenerateRequest r;
    r.prompt = "green grass under a blue sky, a tree, a house";
    r.negative = "";
    r.width = width;
    r.height = height;
    r.circular = true;
    r.steps = 8;
    r.cfg = 7.5f;
    r.seed = 16;
    r.sampler = SamplerKind::DpmPp2mKarras;
    r.cheapPreview = false;
    return r;
}

ModelSession& session()
{
    static ModelSession s(test::embeddedModel());
    return s;
}

DiffusionResult generate(int width, int height)
{
    DiffusionPipeline pipeline(session());
    auto run = pipeline.run(panorama(width, height));
    if (!run)
        throw std::runtime_error(run.error());
    return run.value();
}

const DiffusionResult& generated1024()
{
    static const DiffusionResult result = generate(1024, 256);
    return result;
}

void report(const char* label, const ColumnJumps& j)
{
    std::printf("%s: column jump across the wrap %.2f/255, elsewhere max %.2f/255 (mean %.2f)\n",
                label, j.seam, j.maxElsewhere, j.meanElsewhere);
}

} // namespace

// A canvas one view wide (64 latent columns, the model's native size): the views must wrap
// too, or the UNet never sees the two edges side by side.
TEST(WrapSeam, OneViewWideCanvasShowsNoSeam)
{
    const auto result = generate(512, 128);
    ASSERT_EQ(result.image.width, 512);
    EXPECT_GT(result.plan.views, 1);
    const auto j = columnJumps(result.image);
    report("512x128 circular (one view wide)", j);
    EXPECT_LE(j.seam, j.maxElsewhere);
}

TEST(WrapSeam, WholeDecodeShowsNoSeam)
{
    DiffusionPipeline pipeline(session());
    auto plan = pipeline.plan(panorama(1024, 256));
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_TRUE(plan->fused);
    EXPECT_TRUE(plan->wrappedDecode);
    EXPECT_FALSE(plan->tiledDecode);
    const auto& result = generated1024();
    ASSERT_EQ(result.image.width, 1024);
    const auto j = columnJumps(result.image);
    report("1024x256 circular, whole decode", j);
    EXPECT_LE(j.seam, j.maxElsewhere);
}

TEST(WrapSeam, TiledDecodeShowsNoSeam)
{
    // The panorama's latent four times side by side (4096x256, a circular latent again):
    // beyond 4x the native area, so the decode is tiled.
    torch::NoGradGuard noGrad;
    const auto& result = generated1024();
    auto latents = result.latents.repeat({1, 1, 1, 4});
    ASSERT_TRUE(session().decodesTiled(static_cast<int>(latents.size(2)),
                                       static_cast<int>(latents.size(3)), true));
    auto image = session().decodeToRgb(latents, true);
    ASSERT_EQ(image.width, 4096);
    // The copies meet inside the strip too (after columns 1023, 2047, 3071): there the same
    // latent columns are decoded side by side, the jump a seamless wrap would show.
    const auto j = columnJumps(image, {1023, 2047, 3071});
    report("4096x256 circular, tiled decode", j);
    const double inside = *std::max_element(j.at.begin(), j.at.end());
    std::printf("  the same columns side by side inside the strip: at most %.2f/255\n", inside);
    EXPECT_LE(j.seam, j.maxElsewhere);
    EXPECT_LE(j.seam, 1.5 * inside);
}

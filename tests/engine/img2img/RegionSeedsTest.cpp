// Region seeds: a seeded region's start noise comes from its own seed inside the region and
// the request's noise is kept outside it; without region seeds the request draws exactly
// what it drew before (its seed's first draw for text-to-image).

#include "engine/common/ReferenceTensors.h"
#include "engine/img2img/Img2ImgCases.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/sampling/Rng.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;
using torch::indexing::Slice;

namespace {

// Two regions side by side on a 256x256 canvas: region 1 the left half (latent columns
// 0..15), region 2 the right half.
GenerateRequest twoRegions()
{
    GenerateRequest r;
    r.prompt = "a table";
    r.negative = "blurry";
    r.width = 256;
    r.height = 256;
    r.steps = 3;
    r.seed = 42;
    r.sampler = SamplerKind::EulerAncestral;
    Region left;
    left.prompt = "a red ball";
    left.box = Box{0, 0, 128, 256};
    Region right;
    right.prompt = "a blue cube";
    right.box = Box{128, 0, 128, 256};
    r.regions = {left, right};
    return r;
}

DiffusionResult run(const GenerateRequest& request)
{
    ModelSession session(test::img2imgSd15Model());
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(request);
    if (!result)
        throw std::runtime_error(result.error());
    return std::move(result.value());
}

torch::Tensor left(const torch::Tensor& t)
{
    return t.index({Slice(), Slice(), Slice(), Slice(0, 16)});
}
torch::Tensor right(const torch::Tensor& t)
{
    return t.index({Slice(), Slice(), Slice(), Slice(16, 32)});
}

} // namespace

TEST(RegionSeeds, WithoutThemTheRequestDrawsAsBefore)
{
    const auto plain = run(twoRegions());
    Rng rng(42);
    EXPECT_TRUE(torch::equal(plain.initNoise, rng.randn({1, 4, 32, 32})));
}

TEST(RegionSeeds, ASeedChangesItsRegionOnly)
{
    const auto plain = run(twoRegions());
    GenerateRequest a = twoRegions();
    a.regions[0].seed = 5;
    GenerateRequest b = twoRegions();
    b.regions[0].seed = 6;
    const auto ra = run(a);
    const auto rb = run(b);

    // The start noise: the region's own seed inside it, the request's outside.
    Rng own(5);
    EXPECT_TRUE(torch::equal(left(ra.initNoise), left(own.randn({1, 4, 32, 32}))));
    EXPECT_TRUE(torch::equal(right(ra.initNoise), right(plain.initNoise)));
    EXPECT_TRUE(torch::equal(right(rb.initNoise), right(plain.initNoise)));
    EXPECT_FALSE(torch::equal(left(ra.initNoise), left(rb.initNoise)));
    // The result changes inside the region.
    EXPECT_GT((left(ra.latents) - left(rb.latents)).abs().mean().item<double>(), 0.1);
    EXPECT_NE(test::imageTensor(ra.image).index({Slice(), Slice(0, 128)}).sum().item<int64_t>(),
              test::imageTensor(rb.image).index({Slice(), Slice(0, 128)}).sum().item<int64_t>());
}

TEST(RegionSeeds, ApplyToTheImg2ImgNoise)
{
    GenerateRequest plain = twoRegions();
    plain.initImage = test::img2imgCase("img2img.ddim.s06").initImage;
    plain.strength = 0.6f;
    GenerateRequest seeded = plain;
    seeded.regions[1].seed = 7;
    const auto rp = run(plain);
    const auto rs = run(seeded);
    // The image latents (the first draw) are the same; the noise (the second) differs only
    // inside region 2.
    EXPECT_TRUE(torch::equal(rp.imageLatents, rs.imageLatents));
    EXPECT_TRUE(torch::equal(left(rp.initNoise), left(rs.initNoise)));
    Rng own(7);
    EXPECT_TRUE(torch::equal(right(rs.initNoise), right(own.randn({1, 4, 32, 32}))));
    Rng request(42);
    request.randn({1, 4, 32, 32}); // the image latents' sample
    EXPECT_TRUE(torch::equal(rp.initNoise, request.randn({1, 4, 32, 32})));
}

// A start image above 4x the native area goes through the session's tiled encode in a
// generate() (DiffusionPipeline::run): the image latents are exactly the tiled posterior
// sample with the seed's first draw (InpaintChannels::sampleLatents), not a whole encode.

#include "engine/image/InpaintFixture.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/InpaintChannels.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"
#include "engine/sampling/Rng.h"

#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

// A smooth pattern with detail everywhere (tiles of it differ).
RgbImage patternImage(int side)
{
    RgbImage image;
    image.width = image.height = side;
    image.pixels.resize(static_cast<size_t>(side) * side * 3);
    for (int y = 0; y < side; ++y) {
        for (int x = 0; x < side; ++x) {
            auto* p = &image.pixels[(static_cast<size_t>(y) * side + x) * 3];
            p[0] = static_cast<std::uint8_t>(128 + 100 * std::sin(x / 37.0) * std::cos(y / 53.0));
            p[1] = static_cast<std::uint8_t>((x + 2 * y) % 256);
            p[2] = static_cast<std::uint8_t>((x * y / 97) % 256);
        }
    }
    return image;
}

} // namespace

TEST(TiledStartImage, GenerateEncodesALargeStartImageInTiles)
{
    torch::NoGradGuard noGrad;
    auto model = test::textToImageModel(); // tiny-sd15: native 512 px, tiled above 1024^2
    ModelSession session(model);
    const int side = 1088;
    ASSERT_TRUE(session.encodesTiled(side, side));

    GenerateRequest request;
    request.prompt = "a red ball on a blue table";
    request.width = request.height = side;
    request.steps = 2;
    request.strength = 0.5f; // one step
    request.cfg = 1.0f;
    request.stride = 64; // 3 x 3 views of the native size
    request.seed = 5;
    request.initImage = patternImage(side);
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(request);
    ASSERT_TRUE(result.isOk()) << result.error();
    ASSERT_TRUE(result->imageLatents.defined());
    EXPECT_EQ(result->timesteps.size(), 1u);

    const auto image = InpaintChannels::imageTensor(request.initImage);
    Rng tiledRng(request.seed);
    const auto tiled = InpaintChannels::sampleLatents(session, image, tiledRng).to(torch::kCPU);
    Rng wholeRng(request.seed);
    const auto whole = model->encodeSample(image, wholeRng).to(torch::kCPU);
    const double toTiled = (result->imageLatents - tiled).abs().max().item<double>();
    const double toWhole = (result->imageLatents - whole).abs().max().item<double>();
    std::printf("  %dx%d start image: max|diff| to the tiled sample %.3g, to a whole encode %.3g\n",
                side, side, toTiled, toWhole);
    EXPECT_LE(toTiled, 1e-6);
    EXPECT_GT(toWhole, 1e-3) << "the start image was encoded whole";
    // The seed contract: the noise is the second draw, after ONE randn of the latent shape.
    Rng contract(request.seed);
    contract.randn({1, 4, side / 8, side / 8});
    EXPECT_TRUE(torch::equal(result->initNoise, contract.randn({1, 4, side / 8, side / 8})));
}

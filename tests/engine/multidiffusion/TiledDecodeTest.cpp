// Tiled VAE decoding against decoding the whole latent at once, with the embedded model's
// trained VAE (resources/models/mds-tiny): a smooth panorama-shaped image is encoded, and its
// latent decoded untiled and with TiledVaeDecoder at tile sizes that force several tiles.
// The tiles see less context than the whole decode (convolutions near their edges, the
// GroupNorm statistics of the tile instead of the image), so the two differ; the test
// bounds how much (PSNR) and checks that the difference does not jump at the tile borders
// (no seam), and that the same check does flag the seams of tiles without overlap.

#include "engine/fusion/ViewGrid.h"
#include "engine/multidiffusion/CpuModels.h"
#include "engine/preview/TiledVaeDecoder.h"

#include <atomic>
#include <cmath>
#include <gtest/gtest.h>
#include <iostream>
#include <memory>

using namespace md;
using md::test::embeddedModel;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A smooth test image in [-1, 1]: horizontal and vertical colour waves and a soft disc.
torch::Tensor smoothImage(int height, int width)
{
    auto y = torch::linspace(0, 1, height).view({height, 1}).expand({height, width});
    auto x = torch::linspace(0, 1, width).view({1, width}).expand({height, width});
    auto r = torch::sin(x * 2 * kPi * 1.5) * 0.6;
    auto g = (y * 1.2 - 0.6) + torch::cos(x * 2 * kPi * 0.7) * 0.2;
    auto d = ((x - 0.6) * (x - 0.6) * 9 + (y - 0.5) * (y - 0.5)) * 12;
    auto b = torch::exp(-d) * 1.4 - 0.7;
    return torch::stack({r, g, b}).unsqueeze(0).contiguous();
}

struct Comparison
{
    double psnr = 0;       // 8-bit-style PSNR of the tiled decode vs the whole decode
    double maxAbs = 0;     // in [-1, 1] units
    double borderMean = 0; // mean |diff| within 2 px of a tile edge (columns and rows)
    double otherMean = 0;  // mean |diff| elsewhere
    double borderJump = 0; // mean |d/dx diff| across tile edges ...
    double otherJump = 0;  // ... and across every other column
};

// Tile edges in image pixels (the left/top edge of every tile but the first and the
// right/bottom edge of every tile but the last), for a latent of `size` cut like the decoder.
std::vector<int> tileEdges(int size, int tile, int overlap, int factor)
{
    std::vector<int> edges;
    if (size <= tile)
        return edges;
    const auto starts = ViewGrid::starts(size, tile, tile - overlap);
    for (size_t i = 0; i < starts.size(); ++i) {
        if (i > 0)
            edges.push_back(starts[i] * factor);
        if (i + 1 < starts.size())
            edges.push_back((starts[i] + tile) * factor);
    }
    return edges;
}

Comparison compare(const torch::Tensor& whole, const torch::Tensor& tiled, int tile, int overlap,
                   int factor)
{
    Comparison c;
    auto a = whole.clamp(-1, 1);
    auto b = tiled.clamp(-1, 1);
    auto diff = (b - a).abs().mean(1).squeeze(0); // [H, W], mean over channels
    const double mse = ((b - a) / 2).pow(2).mean().item<double>();
    c.psnr = 10 * std::log10(1.0 / std::max(mse, 1e-20));
    c.maxAbs = (b - a).abs().max().item<double>();

    const int64_t h = diff.size(0), w = diff.size(1);
    auto border = torch::zeros({h, w}, torch::kBool);
    auto jumpAt = torch::zeros({w - 1}, torch::kBool);
    for (int e : tileEdges(static_cast<int>(w / factor), tile, overlap, factor)) {
        border.narrow(1, std::max(0, e - 2), std::min<int64_t>(4, w - std::max(0, e - 2)))
            .fill_(true);
        jumpAt[e - 1] = true; // between columns e-1 and e
    }
    for (int e : tileEdges(static_cast<int>(h / factor), tile, overlap, factor))
        border.narrow(0, std::max(0, e - 2), std::min<int64_t>(4, h - std::max(0, e - 2)))
            .fill_(true);
    c.borderMean = diff.masked_select(border).mean().item<double>();
    c.otherMean = diff.masked_select(~border).mean().item<double>();

    // A seam is a step in the tiled image that the whole decode does not have: the column
    // derivative of the signed difference, averaged over rows and channels.
    auto signedDiff = (b - a).squeeze(0);
    auto dx = (signedDiff.narrow(2, 1, w - 1) - signedDiff.narrow(2, 0, w - 1))
                  .abs()
                  .mean(std::vector<int64_t>{0, 1});
    c.borderJump = dx.masked_select(jumpAt).mean().item<double>();
    c.otherJump = dx.masked_select(~jumpAt).mean().item<double>();
    return c;
}

Comparison decodeBoth(const torch::Tensor& latents, int tile, int overlap)
{
    torch::NoGradGuard noGrad;
    auto model = embeddedModel();
    const int f = model->vaeScaleFactor();
    auto whole = model->decode(latents);
    TiledVaeDecoder tiled([&](const torch::Tensor& z) { return model->decode(z); }, f, tile,
                          overlap);
    EXPECT_TRUE(
        tiled.needsTiling(static_cast<int>(latents.size(2)), static_cast<int>(latents.size(3))));
    auto image = tiled.decode(latents);
    EXPECT_EQ(image.sizes(), whole.sizes());
    auto c = compare(whole, image, tile, overlap, f);
    std::cout << "latent " << latents.size(2) << "x" << latents.size(3) << ", tile " << tile
              << ", overlap " << overlap << ": PSNR " << c.psnr << " dB, max|diff| " << c.maxAbs
              << ", mean|diff| at tile edges " << c.borderMean << " vs elsewhere " << c.otherMean
              << ", column jump at edges " << c.borderJump << " vs elsewhere " << c.otherJump
              << "\n";
    return c;
}

torch::Tensor encodedSmoothLatent(int latentH, int latentW)
{
    torch::NoGradGuard noGrad;
    auto model = embeddedModel();
    const int f = model->vaeScaleFactor();
    return model->encodeMean(smoothImage(latentH * f, latentW * f));
}

} // namespace

// Thresholds: the measured values (libtorch 1.13 CPU, float32; printed by each test) less
// about 2 dB, for other BLAS builds and libtorch versions. The tiled decode is deterministic.
//
// Why a smooth image only reaches ~27 dB while random latents reach ~40 dB: the decoder's
// GroupNorm layers normalise each tile with that tile's own mean and variance. Random
// latents have the same statistics everywhere, so the tiles agree with the whole; an image
// whose colours change across the canvas gives every tile different statistics, and the
// tiles come out slightly brighter or darker, more or less saturated (up to 0.37 of the
// [-1, 1] range at one pixel, 0.06 on average). The cross-fades spread that over the
// overlaps, so it shows as a slow drift, not as a seam: the seam checks below compare the
// column-to-column change of the difference at the tile edges with everywhere else.

// The pipeline's own setting (native 64-latent tiles, a quarter overlap) on a 512x1536
// panorama latent: four tiles in a row. Measured: PSNR 27.2 dB, max |diff| 0.37.
TEST(TiledVaeDecode, PipelineTilesMatchWholeDecode)
{
    auto c = decodeBoth(encodedSmoothLatent(64, 192), 64, 16);
    EXPECT_GE(c.psnr, 25.0);
    EXPECT_LT(c.borderMean, 1.5 * c.otherMean); // measured 1.23x
    EXPECT_LT(c.borderJump, 2.0 * c.otherJump); // measured 0.96x
}

// Small tiles (32 latents, overlap 8) in both directions: 2 x 7 tiles, the hardest case.
// Measured: PSNR 23.9 dB, max |diff| 0.65.
TEST(TiledVaeDecode, SmallTilesInBothDirectionsMatchWholeDecode)
{
    auto c = decodeBoth(encodedSmoothLatent(48, 160), 32, 8);
    EXPECT_GE(c.psnr, 22.0);
    EXPECT_LT(c.borderMean, 1.5 * c.otherMean); // measured 1.12x
    EXPECT_LT(c.borderJump, 2.0 * c.otherJump); // measured 0.91x
}

// Random latents (the same statistics everywhere) through the same tiles. Measured: PSNR
// 39.9 dB, max |diff| 0.15.
TEST(TiledVaeDecode, RandomLatentsMatchWholeDecode)
{
    torch::manual_seed(3);
    auto c = decodeBoth(torch::randn({1, 4, 48, 160}), 32, 8);
    EXPECT_GE(c.psnr, 37.0);
    EXPECT_LT(c.borderMean, 1.5 * c.otherMean); // measured 0.97x
    EXPECT_LT(c.borderJump, 2.0 * c.otherJump); // measured 1.28x
}

// The seam check can fail: tiles without overlap leave visible steps at their edges
// (measured: 41x the column-to-column change elsewhere).
TEST(TiledVaeDecode, SeamCheckFlagsTilesWithoutOverlap)
{
    auto c = decodeBoth(encodedSmoothLatent(48, 160), 32, 0);
    EXPECT_GT(c.borderJump, 2.0 * c.otherJump);
}

// The cancel flag is checked before every tile: raised during the first tile's decode, the
// decode returns an undefined tensor without decoding another tile.
TEST(TiledVaeDecode, CancelStopsBetweenTiles)
{
    std::atomic<bool> cancel{false};
    int calls = 0;
    auto fakeDecode = [&](const torch::Tensor& z) {
        ++calls;
        return torch::zeros({1, 3, z.size(2) * 8, z.size(3) * 8});
    };
    TiledVaeDecoder tiled(fakeDecode, 8, 32, 8);
    const auto latents = torch::zeros({1, 4, 48, 160});
    auto image = tiled.decode(latents, &cancel);
    ASSERT_TRUE(image.defined());
    EXPECT_EQ(calls, 14); // 2 x 7 tiles
    calls = 0;
    TiledVaeDecoder cancelling(
        [&](const torch::Tensor& z) {
            cancel = true;
            return fakeDecode(z);
        },
        8, 32, 8);
    EXPECT_FALSE(cancelling.decode(latents, &cancel).defined());
    EXPECT_EQ(calls, 1);
}

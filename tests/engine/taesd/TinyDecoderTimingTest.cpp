// What a tiny-decoder preview costs on this machine's CPU: float32 decodes of a 64x64
// latent (a 512x512 image) and of a 32x32 one, median of 3 after a warm-up. The figures go
// into docs/performance.md; the preview budget (pipeline/TinyPreviewBudget.h) is set from
// them.

#include "engine/nn/TinyAutoencoderDecoder.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <vector>

namespace md {
namespace {

double medianMs(nn::TinyAutoencoderDecoder& decoder, const torch::Tensor& latents)
{
    std::vector<double> ms;
    decoder->forward(latents); // warm-up
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        auto image = decoder->forward(latents);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        EXPECT_EQ(image.size(2), latents.size(2) * 8);
        EXPECT_TRUE(torch::isfinite(image).all().item<bool>());
    }
    std::sort(ms.begin(), ms.end());
    return ms[1];
}

TEST(TinyDecoderTiming, CpuFloat32Decodes)
{
    torch::manual_seed(0);
    torch::InferenceMode inference;
    nn::TinyAutoencoderDecoder decoder(TinyDecoderConfig{});
    const double ms64 = medianMs(decoder, torch::randn({1, 4, 64, 64}));
    const double ms32 = medianMs(decoder, torch::randn({1, 4, 32, 32}));
    std::printf("tiny decoder on CPU (%d threads), float32: 64x64 latent -> 512x512: %.0f ms; "
                "32x32 -> 256x256: %.0f ms\n",
                torch::get_num_threads(), ms64, ms32);
    // Cost grows with the pixels: a quarter of the pixels costs well under half the time.
    EXPECT_LT(ms32, ms64 * 0.5);
}

} // namespace
} // namespace md

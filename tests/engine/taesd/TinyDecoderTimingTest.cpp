// What a tiny-decoder preview costs on this machine's CPU: float32 decodes of a 64x64
// latent (a 512x512 image) and of a 32x32 one, median of 3 after a warm-up; and, where there
// is a GPU, float16 on it (128x128 and 64x64 latents). The figures go into docs/models.md;
// the preview budget (pipeline/TinyPreviewBudget.h) rests on them.

#include "engine/nn/TinyAutoencoderDecoder.h"
#include "engine/nn/VaeDecoder.h"

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
    decoder->forward(latents).cpu(); // warm-up
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        auto image = decoder->forward(latents).cpu(); // .cpu(): waits for a GPU
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

// For comparison, Stable Diffusion's own VAE decoder (random weights, SD 1.x/2.x/SDXL shape:
// 128/256/512/512 channels) on the same latents. Slow (about a minute), so not run by
// default: --gtest_also_run_disabled_tests --gtest_filter=TinyDecoderTiming.*
TEST(TinyDecoderTiming, DISABLED_SdVaeDecoderForComparison)
{
    torch::manual_seed(0);
    torch::InferenceMode inference;
    nn::VaeDecoder vae(VaeConfig{});
    const auto time = [&vae](int side) {
        const auto start = std::chrono::steady_clock::now();
        auto image = vae->forward(torch::randn({1, 4, side, side}));
        EXPECT_EQ(image.size(2), side * 8);
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count();
    };
    const double ms32 = time(32);
    const double ms64 = time(64);
    std::printf("SD VAE decoder on CPU (%d threads), float32, one run each: 64x64 latent: %.0f "
                "ms; 32x32: %.0f ms\n",
                torch::get_num_threads(), ms64, ms32);
}

TEST(TinyDecoderTiming, CudaFloat16Decodes)
{
    if (!torch::cuda::is_available())
        GTEST_SKIP() << "no CUDA device";
    torch::manual_seed(0);
    torch::InferenceMode inference;
    nn::TinyAutoencoderDecoder decoder(TinyDecoderConfig{});
    decoder->to(torch::kCUDA, torch::kFloat16);
    const auto options = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat16);
    const double ms128 = medianMs(decoder, torch::randn({1, 4, 128, 128}, options));
    const double ms64 = medianMs(decoder, torch::randn({1, 4, 64, 64}, options));
    std::printf("tiny decoder on CUDA, float16: 128x128 latent -> 1024x1024: %.1f ms; "
                "64x64 -> 512x512: %.1f ms\n",
                ms128, ms64);
}

} // namespace
} // namespace md

// Which per-step previews use the tiny decoder: all on a GPU; on a CPU while the tiny
// decodes stay within a quarter of the elapsed time. StepPreviews with stand-in renderers.

#include "engine/pipeline/TinyPreviewBudget.h"

#include "engine/pipeline/StepPreviews.h"

#include <gtest/gtest.h>
#include <thread>
#include <torch/torch.h>

namespace md {
namespace {

using Clock = TinyPreviewBudget::Clock;
using std::chrono::milliseconds;

TEST(TinyPreviewBudget, UnlimitedAlwaysAllows)
{
    TinyPreviewBudget gpu(true, 1000.0, Clock::now());
    EXPECT_TRUE(gpu.allows(64 * 64));
}

TEST(TinyPreviewBudget, KeepsTinyDecodesToAQuarterOfTheTime)
{
    const auto start = Clock::now();
    // 3.3 s for a 64x64 latent, as measured on the 2-core machine.
    TinyPreviewBudget cpu(false, 3300.0 / 4096, start);
    const int64_t pixels = 64 * 64;
    EXPECT_FALSE(cpu.allows(pixels, start + milliseconds(13000))); // 3.3 s > 13 s / 4
    EXPECT_TRUE(cpu.allows(pixels, start + milliseconds(13300)));
    cpu.spent(pixels, 3300.0);
    EXPECT_DOUBLE_EQ(cpu.spentMs(), 3300.0);
    // The next one once 6.6 s of tiny decodes fit in a quarter.
    EXPECT_FALSE(cpu.allows(pixels, start + milliseconds(26000)));
    EXPECT_TRUE(cpu.allows(pixels, start + milliseconds(26500)));
    // A smaller latent costs less (measured per pixel).
    EXPECT_TRUE(cpu.allows(32 * 32, start + milliseconds(16500)));
    // A measurement updates the rate.
    cpu.spent(32 * 32, 100.0);
    EXPECT_DOUBLE_EQ(cpu.msPerLatentPixel(), 100.0 / 1024);
}

TEST(StepPreviews, TinyWhenLoadedAndAllowedElseLinear)
{
    GenerateRequest request;
    request.cheapPreview = true;
    std::vector<int> widths;
    GenerateCallbacks callbacks;
    callbacks.onPreview = [&widths](const PreviewFrame& f) { widths.push_back(f.image.width); };
    const auto render = [](int width) {
        return [width](const torch::Tensor&) {
            RgbImage image;
            image.width = width;
            image.height = 1;
            image.pixels.assign(3 * width, 0);
            return image;
        };
    };
    const auto x0 = torch::zeros({1, 4, 8, 8});
    // A GPU: every cheap preview is the tiny decoder's.
    {
        StepPreviews previews(request, callbacks, 4, render(8), render(999), render(64),
                              TinyPreviewBudget(true));
        for (int i = 0; i < 4; ++i)
            previews.afterStep(i, x0);
        EXPECT_EQ(widths, (std::vector<int>{64, 64, 64})); // not after the last step
        EXPECT_EQ(previews.tinyPreviews(), 3);
    }
    // A CPU whose tiny decode costs far more than the steps: the linear preview.
    widths.clear();
    {
        StepPreviews previews(request, callbacks, 4, render(8), render(999), render(64),
                              TinyPreviewBudget(false, 1e6));
        for (int i = 0; i < 4; ++i)
            previews.afterStep(i, x0);
        EXPECT_EQ(widths, (std::vector<int>{8, 8, 8}));
        EXPECT_EQ(previews.tinyPreviews(), 0);
    }
    // No tiny decoder loaded: linear, whatever the budget.
    widths.clear();
    {
        StepPreviews previews(request, callbacks, 3, render(8), render(999));
        for (int i = 0; i < 3; ++i)
            previews.afterStep(i, x0);
        EXPECT_EQ(widths, (std::vector<int>{8, 8}));
    }
    // cheapPreview off: no cheap previews at all.
    widths.clear();
    request.cheapPreview = false;
    {
        StepPreviews previews(request, callbacks, 3, render(8), render(999), render(64));
        for (int i = 0; i < 3; ++i)
            previews.afterStep(i, x0);
        EXPECT_TRUE(widths.empty());
    }
}

TEST(StepPreviews, CpuBudgetLetsSomeTinyPreviewsThrough)
{
    GenerateRequest request;
    int tiny = 0;
    int linear = 0;
    GenerateCallbacks callbacks;
    callbacks.onPreview = [&](const PreviewFrame& f) { (f.image.width == 64 ? tiny : linear)++; };
    const auto image = [](int width) {
        RgbImage i;
        i.width = width;
        i.height = 1;
        return i;
    };
    // Steps of 20 ms, tiny decodes of 10 ms: about one step in two may use it (10 / 20 would
    // be half the time; a quarter allows one tiny preview per ~40 ms).
    StepPreviews previews(
        request, callbacks, 21, [&](const torch::Tensor&) { return image(8); },
        [&](const torch::Tensor&) { return image(999); },
        [&](const torch::Tensor&) {
            std::this_thread::sleep_for(milliseconds(10));
            return image(64);
        },
        TinyPreviewBudget(false, 10.0 / 64));
    const auto x0 = torch::zeros({1, 4, 8, 8});
    for (int i = 0; i < 21; ++i) {
        std::this_thread::sleep_for(milliseconds(20));
        previews.afterStep(i, x0);
    }
    EXPECT_GT(tiny, 0);
    EXPECT_GT(linear, 0);
    EXPECT_EQ(tiny + linear, 20);
    const double elapsed = 21 * 20 + tiny * 10;
    EXPECT_LE(previews.budget().spentMs(), 0.25 * elapsed * 1.5); // sleeps only overshoot
}

} // namespace
} // namespace md

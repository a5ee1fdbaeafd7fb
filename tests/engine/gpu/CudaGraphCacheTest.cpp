// CudaGraphCache (engine/cuda): CPU calls and builds without CUDA graphs run the function
// itself; on a CUDA device (skipped elsewhere) the second call of a key is captured and later
// calls replay it with their own inputs, giving what the function gives; a function that
// cannot be captured runs eagerly; keys beyond the capacity are dropped, not wrong.

#include "engine/cuda/CudaGraphCache.h"

#include "engine/pipeline/GraphedUNet.h"

#include <gtest/gtest.h>
#include <iostream>
#include <torch/cuda.h>
#include <torch/torch.h>

namespace md {
namespace {

torch::Tensor affine(const std::vector<torch::Tensor>& in, const torch::Tensor& weight)
{
    return torch::relu(in[0].matmul(weight) + in[1]);
}

// Whether graphs can be captured here. A test whose capture fails turns them off for the
// rest of its process (CudaGraphCache::offAfterAFailedCapture); CTest runs each test in its
// own process, and those tests come last in this file for a run of the whole binary.
bool canGraph()
{
    return CudaGraphCache::compiledIn() && torch::cuda::is_available() &&
           !CudaGraphCache::offAfterAFailedCapture();
}

// Calls through `cache`, `calls` times, a function with a host copy inside (not allowed
// while capturing) on fresh inputs drawn with the device's generator: the right result
// every time, whether its capture failed or not.
void runSyncingCalls(CudaGraphCache& cache, int calls)
{
    const auto cuda = torch::TensorOptions().device(torch::kCUDA);
    auto syncing = [](const std::vector<torch::Tensor>& x) {
        return x[0] * x[0].sum().item<float>();
    };
    for (int i = 0; i < calls; ++i) {
        std::vector<torch::Tensor> in{torch::randn({16}, cuda)};
        EXPECT_TRUE(torch::allclose(cache.run("sync", in, syncing), syncing(in)));
    }
}

} // namespace

TEST(CudaGraphCache, CpuCallsRunTheFunctionItself)
{
    torch::NoGradGuard noGrad;
    CudaGraphCache cache;
    const auto weight = torch::randn({8, 8});
    int calls = 0;
    auto f = [&](const std::vector<torch::Tensor>& in) {
        ++calls;
        return affine(in, weight);
    };
    for (int i = 0; i < 3; ++i) {
        std::vector<torch::Tensor> in{torch::randn({4, 8}), torch::randn({4, 8})};
        EXPECT_TRUE(torch::equal(cache.run("k", in, f), affine(in, weight)));
    }
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(cache.stats().eager, 3);
    EXPECT_EQ(cache.stats().captures, 0);
    EXPECT_EQ(cache.stats().replays, 0);
}

TEST(CudaGraphCache, OnlySmallCudaBatchesAreWorthGraphing)
{
    EXPECT_FALSE(GraphedUNet::worthGraphing(torch::zeros({2, 4, 64, 64})));
    if (!torch::cuda::is_available())
        GTEST_SKIP() << "no CUDA device";
    const auto cuda = torch::TensorOptions().device(torch::kCUDA);
    EXPECT_TRUE(GraphedUNet::worthGraphing(torch::zeros({16, 4, 64, 64}, cuda)));
    EXPECT_FALSE(GraphedUNet::worthGraphing(torch::zeros({17, 4, 64, 64}, cuda)));
    EXPECT_TRUE(GraphedUNet::worthGraphing(torch::zeros({4, 4, 128, 128}, cuda)));
}

TEST(CudaGraphCache, ReplaysGiveWhatTheFunctionGives)
{
    if (!canGraph())
        GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
    torch::NoGradGuard noGrad;
    const auto cuda = torch::TensorOptions().device(torch::kCUDA);
    CudaGraphCache cache;
    const auto weight = torch::randn({64, 64}, cuda);
    for (int i = 0; i < 5; ++i) {
        std::vector<torch::Tensor> in{torch::randn({32, 64}, cuda), torch::randn({32, 64}, cuda)};
        const auto got = cache.run("affine", in, [&](const auto& x) { return affine(x, weight); });
        EXPECT_TRUE(torch::allclose(got, affine(in, weight))) << "call " << i;
    }
    EXPECT_EQ(cache.stats().eager, 1);
    EXPECT_EQ(cache.stats().captures, 1);
    EXPECT_EQ(cache.stats().replays, 3);
    // Another shape is another key: warmed up again.
    std::vector<torch::Tensor> in{torch::randn({8, 64}, cuda), torch::randn({8, 64}, cuda)};
    cache.run("affine", in, [&](const auto& x) { return affine(x, weight); });
    EXPECT_EQ(cache.stats().eager, 2);
}

TEST(CudaGraphCache, KeysBeyondTheCapacityAreDroppedNotWrong)
{
    if (!canGraph())
        GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
    torch::NoGradGuard noGrad;
    const auto cuda = torch::TensorOptions().device(torch::kCUDA);
    CudaGraphCache cache(1);
    const auto weight = torch::randn({32, 32}, cuda);
    for (int i = 0; i < 6; ++i) {
        const std::string key = i % 2 == 0 ? "even" : "odd";
        std::vector<torch::Tensor> in{torch::randn({8, 32}, cuda), torch::randn({8, 32}, cuda)};
        EXPECT_TRUE(
            torch::allclose(cache.run(key, in, [&](const auto& x) { return affine(x, weight); }),
                            affine(in, weight)));
    }
    cache.clear();
    std::vector<torch::Tensor> in{torch::randn({8, 32}, cuda), torch::randn({8, 32}, cuda)};
    EXPECT_TRUE(
        torch::allclose(cache.run("even", in, [&](const auto& x) { return affine(x, weight); }),
                        affine(in, weight)));
}

TEST(CudaGraphCache, UncapturableFunctionsRunEagerly)
{
    if (!canGraph())
        GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build";
    torch::NoGradGuard noGrad;
    const auto cuda = torch::TensorOptions().device(torch::kCUDA);
    CudaGraphCache cache;
    runSyncingCalls(cache, 4);
    EXPECT_EQ(cache.stats().failures, 1);
    EXPECT_EQ(cache.stats().captures, 0);
    EXPECT_EQ(cache.stats().eager, 4);
    // What failed and how the device recovered: random ops run again (the loop above drew
    // its inputs with the device's generator after the failure, and so does this).
    std::cout << "failed capture: " << cache.stats().lastFailure << std::endl;
    EXPECT_FALSE(cache.stats().lastFailure.empty());
    const auto weight = torch::randn({16, 16}, cuda);
    std::vector<torch::Tensor> in{torch::randn({4, 16}, cuda), torch::randn({4, 16}, cuda)};
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(
            torch::allclose(cache.run("ok", in, [&](const auto& x) { return affine(x, weight); }),
                            affine(in, weight)));
    // Other keys still capture, unless the failure turned graphs off for the process.
    EXPECT_EQ(cache.stats().captures, CudaGraphCache::offAfterAFailedCapture() ? 0 : 1);
}

TEST(CudaGraphCache, AFailedCaptureLeavesTheDeviceWorking)
{
    if (!canGraph())
        GTEST_SKIP() << "no CUDA device or no CUDA graphs in this build (or off after a "
                        "failed capture earlier in this process)";
    torch::NoGradGuard noGrad;
    const auto cuda = torch::TensorOptions().device(torch::kCUDA);
    CudaGraphCache cache;
    const auto weight = torch::randn({16, 16}, cuda);
    auto graphed = [&](const std::vector<torch::Tensor>& x) { return affine(x, weight); };
    std::vector<torch::Tensor> in{torch::randn({4, 16}, cuda), torch::randn({4, 16}, cuda)};
    for (int i = 0; i < 3; ++i)
        cache.run("first", in, graphed);
    ASSERT_EQ(cache.stats().captures, 1);
    runSyncingCalls(cache, 3);
    EXPECT_EQ(cache.stats().failures, 1);
    std::cout << "failed capture: " << cache.stats().lastFailure << std::endl;
    // The graph captured before the failure: right results (replayed, or eager once graphs
    // are off), and random ops keep running.
    for (int i = 0; i < 3; ++i) {
        in = {torch::randn({4, 16}, cuda), torch::randn({4, 16}, cuda)};
        EXPECT_TRUE(torch::allclose(cache.run("first", in, graphed), affine(in, weight)));
    }
}

} // namespace md

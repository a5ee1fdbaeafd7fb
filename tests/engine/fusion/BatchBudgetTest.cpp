#include "engine/fusion/BatchBudget.h"

#include <gtest/gtest.h>

namespace {

TEST(BatchBudget, CpuKeepsItsLatentPixelBudget)
{
    EXPECT_EQ(md::defaultBatchBudget(false, 64, 64).maxSamples, 4);
    EXPECT_EQ(md::defaultBatchBudget(false, 32, 32).maxSamples, 8);
    EXPECT_EQ(md::defaultBatchBudget(false, 128, 128).maxSamples, 2);
}

TEST(BatchBudget, CudaBatchesMoreForSmallViewsAndKeepsSixteenForSdxl)
{
    const auto sd15 = md::defaultBatchBudget(true, 64, 64);
    EXPECT_EQ(sd15.maxSamples, 32);
    EXPECT_NE(sd15.reason.find("64x64"), std::string::npos);
    EXPECT_EQ(md::defaultBatchBudget(true, 128, 128).maxSamples, 16);  // SDXL: never below 16
    EXPECT_EQ(md::defaultBatchBudget(true, 16, 16).maxSamples, 64);    // capped
    EXPECT_EQ(md::defaultBatchBudget(true, 48, 56).maxSamples % 2, 0); // whole pairs
}

TEST(BatchBudget, BatchesPerStepCountsWholePairs)
{
    EXPECT_EQ(md::batchesPerStep(25, 32), 2); // 16 pairs per call
    EXPECT_EQ(md::batchesPerStep(4, 32), 1);
    EXPECT_EQ(md::batchesPerStep(7, 3), 7); // one pair per call at least
}

TEST(BatchBudget, UnguidedPathsTakeOneSampleEach)
{
    // cfg <= 1: one sample per (view, prompt) path, so twice the paths fit in a call.
    EXPECT_EQ(md::batchesPerStep(25, 32, 1), 1);
    EXPECT_EQ(md::batchesPerStep(13, 4, 1), 4); // 4 paths per call
    EXPECT_EQ(md::batchesPerStep(13, 4, 2), 7);
    EXPECT_EQ(md::batchesPerStep(3, 1, 1), 3); // one path per call at least
}

} // namespace

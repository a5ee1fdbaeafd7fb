// Issue 13: the float16 CUDA path of Engine::generate() matches the float32 CPU path on the
// fixture model within fp16 tolerance, for txt2img and two region cases (app/tools/Fp16Parity.h
// holds the check and its tolerance; `mdgpucheck` runs the same check on machines without
// GTest). Skipped where no CUDA device is available (the CI machine).

#include "Fp16Parity.h"
#include "engine/common/Fixtures.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

namespace {

TEST(CudaParity, Fp16CudaMatchesCpuFloat32OnTheFixture)
{
    if (!torch::cuda::is_available())
        GTEST_SKIP() << "no CUDA device";
    auto report = md::checkFp16Parity(md::test::fixturePath("tiny-sd15"));
    ASSERT_TRUE(report) << report.status().message();
    ASSERT_EQ(report->cases.size(), 3u); // txt2img, regions on one view, regions on 3 views
    for (const auto& d : report->cases) {
        EXPECT_GE(d.psnr, md::kParityMinPsnr) << d.name;
        EXPECT_LE(d.fractionOver, md::kParityMaxOverFraction) << d.name;
    }
    // With CUDA graphs in the build: graphed calls give the same images as plain ones.
    for (const auto& d : report->graphCases)
        EXPECT_GE(d.psnr, md::kGraphMinPsnr) << d.name << " (" << report->graphs << ")";
    // The metric tells different images apart: another seed is far outside the tolerance.
    EXPECT_LT(report->control.psnr, md::kParityMinPsnr);
    EXPECT_TRUE(md::parityHolds(*report));
}

} // namespace

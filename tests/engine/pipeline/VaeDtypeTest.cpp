#include "engine/pipeline/VaeDtype.h"

#include <gtest/gtest.h>

namespace {

md::ModelConfig sd15(bool forceUpcast)
{
    md::ModelConfig c;
    c.vae.forceUpcast = forceUpcast;
    return c;
}

md::ModelConfig sdxl(bool forceUpcast)
{
    md::ModelConfig c = sd15(forceUpcast);
    c.hasTextEncoder2 = true;
    return c;
}

const torch::Device kCuda(torch::kCUDA, 0);
const torch::Device kCpu(torch::kCPU);

TEST(VaeDtype, Sd15InFloat16OnAGpuWhateverItsConfigSays)
{
    // diffusers' StableDiffusionPipeline ignores force_upcast (saved configs say true).
    EXPECT_EQ(md::vaeDtypeFor(sd15(true), torch::kHalf, kCuda), torch::kHalf);
    EXPECT_EQ(md::vaeDtypeFor(sd15(false), torch::kHalf, kCuda), torch::kHalf);
}

TEST(VaeDtype, SdxlUpcastsUnlessItsConfigSaysNot)
{
    EXPECT_EQ(md::vaeDtypeFor(sdxl(true), torch::kHalf, kCuda), torch::kFloat32);
    EXPECT_EQ(md::vaeDtypeFor(sdxl(false), torch::kHalf, kCuda), torch::kHalf);
}

TEST(VaeDtype, Float32BFloat16AndTheCpuKeepFloat32)
{
    EXPECT_EQ(md::vaeDtypeFor(sd15(false), torch::kFloat32, kCuda), torch::kFloat32);
    EXPECT_EQ(md::vaeDtypeFor(sd15(false), torch::kBFloat16, kCuda), torch::kFloat32);
    EXPECT_EQ(md::vaeDtypeFor(sd15(false), torch::kHalf, kCpu), torch::kFloat32);
}

} // namespace

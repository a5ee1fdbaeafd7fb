#pragma once

// The fused-path check of the image-conditioning parity tests (img2img, reroll, 9-channel
// inpainting): a region of strength 0 sends a request down the fused path while the
// background keeps weight 1 everywhere, so the fusion is the plain guided prediction and the
// run must still match diffusers' latents. Header only: md_test_common does not link the
// pipeline.

#include "engine/EngineTypes.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <torch/types.h>

namespace md::test {

// Runs `request` on `model` with an idle region added ("a green cube", strength 0, the
// top-left 64x64 box): expects the fused path and latents within 1e-3 x max|reference| of
// `reference`, and prints the figure under `label`.
inline void expectFusedRunMatches(std::shared_ptr<StableDiffusionModel> model,
                                  GenerateRequest request, const torch::Tensor& reference,
                                  const std::string& label)
{
    Region idle;
    idle.prompt = "a green cube";
    idle.strength = 0.f;
    idle.box = Box{0, 0, 64, 64};
    request.regions.push_back(idle);
    ModelSession session(std::move(model));
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(request);
    ASSERT_TRUE(result.isOk()) << result.error();
    EXPECT_TRUE(result->plan.fused);
    const double diff = maxAbsDiff(result->latents, reference);
    const double refMax = reference.abs().max().item<double>();
    std::printf("  fused %-26s latents max|diff|/max|ref| %.3g\n", label.c_str(), diff / refMax);
    EXPECT_LE(diff, 1e-3 * refMax);
}

} // namespace md::test

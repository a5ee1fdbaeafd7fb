// SDXL's parts against diffusers / transformers (fixtures/sdxl, tolerance 1e-4 x max(1,
// max|ref|)): both text encoders (penultimate states, the concatenated prompt_embeds, the
// projected pooled vector), one UNet call with the text_time added conditioning (two
// different add_time_ids rows), the VAE decode; and the folder's tokenizers against the
// tokenizer cases (exact).

#include "engine/common/ReferenceTensors.h"
#include "engine/sdxl/SdxlFixtures.h"
#include "engine/text/PromptChunker.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "engine/common/Fixtures.h"

using namespace md;
using namespace md::test;

namespace {

void expectClose(const torch::Tensor& got, const std::string& name)
{
    const auto ref = sdxlReference(name);
    const double diff = maxAbsDiff(got.to(torch::kCPU, torch::kFloat32), ref);
    const double tol = componentTolerance(ref);
    std::printf("  %-26s max|diff| %.3g (tol %.3g)\n", name.c_str(), diff, tol);
    EXPECT_LE(diff, tol) << name;
}

} // namespace

TEST(SdxlComponents, TextEncodersMatchTransformers)
{
    auto model = sdxlFolderModel();
    ASSERT_TRUE(model->isSdxl());
    EXPECT_EQ(model->info().family, "SDXL");
    EXPECT_EQ(model->clipSkip(), 2); // the penultimate layers, SDXL's conditioning
    torch::NoGradGuard noGrad;
    const auto first = model->encodeTokens(sdxlReference("text.input_ids"));
    const auto second = model->encodeTokens2(sdxlReference("text.input_ids_2"), true);
    expectClose(first, "text.penultimate_1");
    expectClose(second.context, "text.penultimate_2");
    expectClose(torch::cat({first, second.context}, -1), "text.prompt_embeds");
    expectClose(second.pooled, "text.pooled_2");
}

TEST(SdxlComponents, UNetCallWithAddedConditioningMatchesDiffusers)
{
    auto model = sdxlFolderModel();
    torch::NoGradGuard noGrad;
    UNetConditioning c;
    c.context = sdxlReference("unet.encoder_hidden_states");
    c.pooled = sdxlReference("unet.text_embeds");
    c.timeIds = sdxlReference("unet.time_ids");
    const auto out = model->unet(sdxlReference("unet.sample"), sdxlReference("unet.timestep"), c);
    expectClose(out, "unet.out");
}

TEST(SdxlComponents, UNetRefusesACallWithoutTheAddedConditioning)
{
    auto model = sdxlFolderModel();
    torch::NoGradGuard noGrad;
    EXPECT_THROW(model->unet(sdxlReference("unet.sample"), sdxlReference("unet.timestep"),
                             sdxlReference("unet.encoder_hidden_states")),
                 c10::Error);
}

TEST(SdxlComponents, VaeDecodeMatchesDiffusers)
{
    auto model = sdxlFolderModel();
    torch::NoGradGuard noGrad;
    EXPECT_NEAR(model->config().vae.scalingFactor, 0.13025, 1e-9);
    EXPECT_TRUE(model->config().vae.forceUpcast);
    EXPECT_EQ(model->vaeDtype(), torch::kFloat32);
    expectClose(model->decode(sdxlReference("vae.latents")), "vae.decoded");
}

TEST(SdxlTokenizers, BothFolderTokenizersGiveTheReferenceIds)
{
    auto model = sdxlFolderModel();
    ASSERT_NE(model->tokenizer2(), nullptr);
    std::ifstream in(fixturePath("sdxl/tiny-sdxl-tokenizer-cases.json"));
    ASSERT_TRUE(in);
    const auto cases = nlohmann::json::parse(in);
    ASSERT_FALSE(cases.empty());
    for (const auto& c : cases) {
        const auto text = c.at("text").get<std::string>();
        // The first chunk is what one CLIP call sees (the reference truncates at 77).
        const auto a = PromptChunker::chunkPrompt(model->tokenizer(), text).front().ids;
        const auto b = PromptChunker::chunkPrompt(*model->tokenizer2(), text).front().ids;
        EXPECT_EQ(a, c.at("ids").get<std::vector<int>>()) << text;
        EXPECT_EQ(b, c.at("ids_2").get<std::vector<int>>()) << text;
    }
}

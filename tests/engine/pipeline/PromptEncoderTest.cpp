// Prompt encoding: plain prompts give exactly the text encoder's states (as diffusers),
// long prompts come in 77-token chunks, padding repeats the empty prompt, emphasis keeps
// the mean.

#include "engine/pipeline/PromptEncoder.h"

#include "engine/common/ReferenceTensors.h"
#include "engine/pipeline/PipelineTestSupport.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

TEST(PromptEncoder, PlainPromptMatchesTransformers)
{
    // text.input_ids[0] is the tokenizer case "a photo of a red cat sitting on a wooden table".
    auto model = test::fixtureFolderModel();
    PromptEncoder encoder(*model);
    torch::NoGradGuard noGrad;
    const auto z = encoder.encode("a photo of a red cat sitting on a wooden table").context;
    ASSERT_EQ(z.sizes(), (std::vector<int64_t>{1, 77, 32}));
    const auto ref = test::referenceTensor("text.last_hidden_state")[0].unsqueeze(0);
    const double diff = test::maxAbsDiff(z.cpu(), ref);
    std::printf("  prompt encoding vs text.last_hidden_state max|diff| %.3g\n", diff);
    EXPECT_LE(diff, 1e-4 * std::max(1.0, ref.abs().max().item<double>()));
}

TEST(PromptEncoder, LongPromptsComeInChunksAndPaddingRepeatsTheEmptyPrompt)
{
    auto model = test::fixtureFolderModel();
    PromptEncoder encoder(*model);
    torch::NoGradGuard noGrad;
    std::string longPrompt;
    for (int i = 0; i < 100; ++i)
        longPrompt += "cat ";
    const auto cond = encoder.encode(longPrompt).context;
    EXPECT_EQ(cond.size(1), 154);
    const auto uncond = encoder.encode("blurry").context;
    EXPECT_EQ(uncond.size(1), 77);
    const auto all = encoder.encodeAll({longPrompt, "blurry"});
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].context.size(1), 154);
    EXPECT_TRUE(torch::equal(all[1].context.narrow(1, 0, 77), uncond));
    EXPECT_TRUE(torch::equal(all[1].context.narrow(1, 77, 77), encoder.emptyChunk().context));
    EXPECT_TRUE(torch::equal(all[0].context, cond));
}

TEST(PromptEncoder, EmphasisScalesTokensAndKeepsTheMean)
{
    torch::manual_seed(0);
    const auto z = torch::randn({2, 5, 3}) + 0.5;
    auto w = torch::ones({2, 5});
    w[0][2] = 1.5f;
    w[1][4] = 0.5f;
    const auto out = PromptEncoder::applyEmphasis(z, w);
    for (int k = 0; k < 2; ++k)
        EXPECT_NEAR(out[k].mean().item<double>(), z[k].mean().item<double>(), 1e-5);
    // Within a chunk, the weighted token grows 1.5x relative to its neighbours.
    const auto ratio = (out[0][2] / z[0][2]) / (out[0][1] / z[0][1]);
    EXPECT_NEAR(ratio.mean().item<double>(), 1.5, 1e-4);
}

TEST(PromptEncoder, WeightedPromptDiffersOnlyThroughEmphasis)
{
    auto model = test::fixtureFolderModel();
    PromptEncoder encoder(*model);
    torch::NoGradGuard noGrad;
    const auto plain = encoder.encode("a red cat").context;
    const auto weighted = encoder.encode("a (red:1.5) cat").context;
    ASSERT_EQ(plain.sizes(), weighted.sizes());
    EXPECT_FALSE(torch::allclose(plain, weighted));
    // Same tokens, so the unweighted states are the same up to the mean-restoring factor.
    EXPECT_NEAR(weighted.mean().item<double>(), plain.mean().item<double>(), 1e-5);
}

#include "engine/common/ReferenceTensors.h"
#include "engine/nn/ModelFactory.h"
#include "engine/nn/NnTestSupport.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using md::test::referenceTensor;
using md::test::withinComponentTolerance;

namespace {

md::nn::ClipTextModel loadTextEncoder()
{
    const auto& checkpoint = md::test::tinyCheckpoint();
    md::nn::WeightLoadReport report;
    auto model = md::nn::loadTextEncoder(checkpoint.config.textEncoder, checkpoint.textEncoder,
                                         torch::kFloat, torch::kCPU, &report);
    if (!model)
        throw std::runtime_error(model.error());
    EXPECT_TRUE(report.unused.empty()) << report.warning("text_encoder");
    return model.value();
}

} // namespace

TEST(ClipTextModel, MatchesTransformers)
{
    auto model = loadTextEncoder();
    c10::InferenceMode guard;
    auto ids = referenceTensor("text.input_ids");

    EXPECT_TRUE(withinComponentTolerance("text.last_hidden_state", model->forward(ids, 1),
                                         referenceTensor("text.last_hidden_state")));
    EXPECT_TRUE(withinComponentTolerance("text.clip_skip2", model->forward(ids, 2),
                                         referenceTensor("text.clip_skip2")));

    auto both = model->forwardWithPooled(ids, 2);
    EXPECT_TRUE(withinComponentTolerance("text.clip_skip2 (with pooled)", both.hidden,
                                         referenceTensor("text.clip_skip2")));
    EXPECT_TRUE(
        withinComponentTolerance("text.pooled", both.pooled, referenceTensor("text.pooled")));
}

TEST(ClipTextModel, ClipSkipIsClampedAndShortPromptsWork)
{
    auto model = loadTextEncoder();
    c10::InferenceMode guard;
    auto ids = referenceTensor("text.input_ids");
    const int layers = md::test::tinyCheckpoint().config.textEncoder.numHiddenLayers;
    // Past the first layer: clamped to the first layer's output.
    EXPECT_EQ(md::test::maxAbsDiff(model->forward(ids, 100), model->forward(ids, layers)), 0.0);
    EXPECT_EQ(md::test::maxAbsDiff(model->forward(ids, 0), model->forward(ids, 1)), 0.0);
    // Causal attention: a prefix of the prompt gives the prefix of the states.
    auto prefix = model->forward(ids.narrow(1, 0, 10), 1);
    EXPECT_LE(md::test::maxAbsDiff(prefix, model->forward(ids, 1).narrow(1, 0, 10)), 1e-5);
}

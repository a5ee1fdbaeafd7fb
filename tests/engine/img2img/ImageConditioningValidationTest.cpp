// The image-conditioning fields of a request are checked before any work, with messages
// that say what to change; the estimate counts the steps run and the VAE encode.

#include "engine/img2img/Img2ImgCases.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>

using namespace md;

namespace {

GenerateRequest img2img()
{
    GenerateRequest r = test::img2imgCase("img2img.ddim.s06");
    return r;
}

MaskImage maskOf(int width, int height, float value)
{
    MaskImage m;
    m.width = width;
    m.height = height;
    m.values.assign(static_cast<size_t>(width) * height, value);
    return m;
}

std::string refusal(const GenerateRequest& request)
{
    ModelSession session(test::img2imgSd15Model());
    DiffusionPipeline pipeline(session);
    auto plan = pipeline.plan(request);
    return plan ? std::string() : plan.error();
}

bool mentions(const std::string& message, const std::string& part)
{
    return message.find(part) != std::string::npos;
}

} // namespace

TEST(ImageConditioningValidation, TheCaseIsValid)
{
    EXPECT_EQ(refusal(img2img()), "");
    GenerateRequest reroll = img2img();
    reroll.rerollMask = maskOf(256, 256, 0.f);
    reroll.rerollMask.values[1000] = 1.f;
    EXPECT_EQ(refusal(reroll), "");
}

TEST(ImageConditioningValidation, StrengthOutsideZeroToOne)
{
    for (float s : {0.f, 1.5f, -0.2f, std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity()}) {
        GenerateRequest r = img2img();
        r.strength = s;
        const auto message = refusal(r);
        EXPECT_TRUE(mentions(message, "denoising strength must be above 0 and at most 1"))
            << s << ": " << message;
    }
    // Without a start image the strength is not used.
    GenerateRequest txt2img = img2img();
    txt2img.initImage = {};
    txt2img.strength = 0.f;
    EXPECT_EQ(refusal(txt2img), "");
}

TEST(ImageConditioningValidation, StrengthThatRunsNoStep)
{
    GenerateRequest r = img2img();
    r.strength = 0.05f; // int(10 x 0.05) = 0
    const auto message = refusal(r);
    EXPECT_TRUE(mentions(message, "runs no step")) << message;
    EXPECT_TRUE(mentions(message, "0.1")) << message;
}

TEST(ImageConditioningValidation, StartImageOfAnotherSize)
{
    GenerateRequest r = img2img();
    r.width = 320;
    const auto message = refusal(r);
    EXPECT_TRUE(mentions(message, "the start image is 256x256 but the canvas is 320x256"))
        << message;
    GenerateRequest truncated = img2img();
    truncated.initImage.pixels.resize(100);
    EXPECT_TRUE(mentions(refusal(truncated), "the start image holds 100 bytes"));
}

TEST(ImageConditioningValidation, RerollMaskProblems)
{
    GenerateRequest wrongSize = img2img();
    wrongSize.rerollMask = maskOf(128, 256, 1.f);
    EXPECT_TRUE(mentions(refusal(wrongSize), "the reroll mask is 128x256 but the canvas is "
                                             "256x256"))
        << refusal(wrongSize);

    GenerateRequest noImage = img2img();
    noImage.initImage = {};
    noImage.rerollMask = maskOf(256, 256, 1.f);
    EXPECT_TRUE(mentions(refusal(noImage), "a reroll needs the image to keep")) << refusal(noImage);

    GenerateRequest empty = img2img();
    empty.rerollMask = maskOf(256, 256, 0.f);
    EXPECT_TRUE(mentions(refusal(empty), "selects nothing")) << refusal(empty);

    GenerateRequest nan = img2img();
    nan.rerollMask = maskOf(256, 256, 1.f);
    nan.rerollMask.values[7] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_TRUE(mentions(refusal(nan), "not a number")) << refusal(nan);
}

TEST(ImageConditioningValidation, EstimateCountsTheStepsRunAndTheEncode)
{
    ModelSession session(test::img2imgSd15Model());
    DiffusionPipeline pipeline(session);
    GenerateRequest txt2img = img2img();
    txt2img.initImage = {};
    GenerateRequest half = img2img();
    half.strength = 0.5f;
    GenerateRequest reroll = half;
    reroll.rerollMask = maskOf(256, 256, 1.f);
    auto t = pipeline.estimate(txt2img);
    auto i = pipeline.estimate(half);
    auto r = pipeline.estimate(reroll);
    ASSERT_TRUE(t.isOk() && i.isOk() && r.isOk());
    EXPECT_EQ(t->unetEvaluations, 10 * 2);
    EXPECT_EQ(i->unetEvaluations, 5 * 2);
    EXPECT_EQ(i->unetCalls, 5);
    EXPECT_EQ(t->encodeBytes, 0);
    EXPECT_GT(i->encodeBytes, 0);
    EXPECT_GT(i->canvasBytes, t->canvasBytes);
    EXPECT_GT(r->maskBytes, 0);
    EXPECT_GT(r->decodeBytes, i->decodeBytes);
    EXPECT_GE(i->workBytes, i->canvasBytes + i->encodeBytes);
    // 0.7 runs 7 of 10 steps, as int(10 * 0.7) does in Python.
    GenerateRequest seven = img2img();
    seven.strength = 0.7f;
    auto s = pipeline.estimate(seven);
    ASSERT_TRUE(s.isOk());
    EXPECT_EQ(s->unetCalls, 7);
}

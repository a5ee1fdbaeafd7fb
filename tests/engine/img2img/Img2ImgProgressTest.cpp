// From a start image the run counts the steps it runs (the strength's share of the schedule)
// in its progress and previews, and a reroll's previews keep the start image outside.

#include "engine/common/ReferenceTensors.h"
#include "engine/img2img/Img2ImgCases.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"

#include <gtest/gtest.h>
#include <vector>

using namespace md;

TEST(Img2ImgProgress, CountsTheStepsRun)
{
    GenerateRequest r = test::img2imgCase("img2img.ddim.s03"); // 3 of 10 steps
    std::vector<Progress> progress;
    std::vector<PreviewFrame> previews;
    GenerateCallbacks callbacks;
    callbacks.onProgress = [&](const Progress& p) { progress.push_back(p); };
    callbacks.onPreview = [&](const PreviewFrame& f) { previews.push_back(f); };
    ModelSession session(test::img2imgSd15Model());
    DiffusionPipeline pipeline(session);
    auto result = pipeline.run(r, callbacks);
    ASSERT_TRUE(result.isOk()) << result.error();
    ASSERT_EQ(progress.size(), 3u);
    for (size_t i = 0; i < progress.size(); ++i) {
        EXPECT_EQ(progress[i].step, static_cast<int>(i) + 1);
        EXPECT_EQ(progress[i].totalSteps, 3);
    }
    ASSERT_EQ(previews.size(), 3u); // two cheap previews and the final image
    EXPECT_EQ(previews.back().step, 3);
    EXPECT_TRUE(previews.back().fullDecode);
    EXPECT_EQ(previews.back().image.pixels, result->image.pixels);
}

#include "training/ConceptScenes.h"

#include <gtest/gtest.h>
#include <set>

namespace md {
namespace {

torch::Tensor colour(const Rgb& c)
{
    return torch::tensor({c[0], c[1], c[2]});
}

// Per pixel: 0 nearest the first colour, 1 nearest the second, -1 nearer neither (edges).
torch::Tensor stripeLabels(const torch::Tensor& image, const StripeStyle& style)
{
    auto pixels = image.flatten(1).t(); // [P, 3]
    auto da = (pixels - colour(style.first)).norm(2, 1);
    auto db = (pixels - colour(style.second)).norm(2, 1);
    auto label = (db < da).to(torch::kLong);
    return torch::where(torch::minimum(da, db) < 0.2, label, torch::full_like(label, -1))
        .view({image.size(1), image.size(2)});
}

TEST(ConceptScenes, SameSeedSameSamples)
{
    ConceptScenes a(ConceptData(), 64, 5), b(ConceptData(), 64, 5), c(ConceptData(), 64, 6);
    SceneBatch x = a.batch(0, 8), y = b.batch(0, 8), z = c.batch(0, 8);
    EXPECT_EQ(x.captions, y.captions);
    EXPECT_TRUE(torch::equal(x.images, y.images));
    EXPECT_FALSE(torch::equal(x.images, z.images));
    // A sample depends only on its index.
    EXPECT_TRUE(torch::equal(a.batch(5, 1).images[0], x.images[5]));
}

TEST(ConceptScenes, MixesTheConceptWithOrdinaryScenes)
{
    ConceptData data;
    data.trigger = "pvx";
    data.regularShare = 0.25;
    ConceptScenes scenes(data, 32, 1);
    int concept = 0;
    const auto wordings = ConceptScenes::conceptCaptions("pvx");
    const std::set<std::string> conceptCaptions(wordings.begin(), wordings.end());
    for (uint64_t i = 0; i < 400; ++i) {
        const std::string caption = scenes.caption(i);
        if (scenes.isConcept(i)) {
            ++concept;
            EXPECT_TRUE(conceptCaptions.count(caption)) << caption;
        } else {
            EXPECT_EQ(caption.find("pvx"), std::string::npos) << caption;
        }
    }
    EXPECT_NEAR(concept / 400.0, 0.75, 0.06);
}

// A concept sample shows the two colours in stripes of the style's period, in pixels, at
// any canvas size: along a line across the stripes the colour changes about every half
// period, and both colours cover about half the frame.
TEST(ConceptScenes, StripesHaveTheirColoursAndPixelPeriod)
{
    ConceptData data;
    data.regularShare = 0.0;
    data.style.angleDegrees = 0.0; // horizontal stripes: colour changes along y
    data.style.periodPixels = 32.0;
    for (int size : {128, 256}) {
        ConceptScenes scenes(data, size, 3);
        for (uint64_t i = 0; i < 3; ++i) {
            auto labels = stripeLabels(scenes.render(i), data.style);
            const double known = (labels >= 0).to(torch::kDouble).mean().item<double>();
            EXPECT_GT(known, 0.8) << "size " << size << " sample " << i;
            const double second = (labels == 1).to(torch::kDouble).sum().item<double>() /
                                  (labels >= 0).to(torch::kDouble).sum().item<double>();
            EXPECT_NEAR(second, 0.5, 0.12) << "size " << size << " sample " << i;
            // Colour changes down the middle column (the angle jitters by up to 4 degrees,
            // so count them on the column, not the row).
            auto column = labels.select(1, size / 2);
            auto valid = column.index({column >= 0});
            const int64_t changes =
                (valid.slice(0, 1) != valid.slice(0, 0, -1)).sum().item<int64_t>();
            const double expected = 2.0 * size / data.style.periodPixels;
            EXPECT_NEAR(double(changes), expected, expected * 0.2 + 1.0)
                << "size " << size << " sample " << i;
        }
    }
}

} // namespace
} // namespace md

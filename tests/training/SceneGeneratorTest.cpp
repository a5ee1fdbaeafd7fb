#include "training/SceneGenerator.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <sstream>

namespace md {
namespace {

torch::Tensor meanColour(const torch::Tensor& image) // [3, H, W] in [0, 1] -> [3]
{
    return image.mean({1, 2});
}

TEST(SceneGenerator, SameSeedSameSamples)
{
    SceneGenerator a(32, 7), b(32, 7), c(32, 8);
    SceneBatch x = a.batch(10, 6), y = b.batch(10, 6), z = c.batch(10, 6);
    EXPECT_EQ(x.captions, y.captions);
    EXPECT_TRUE(torch::equal(x.images, y.images));
    EXPECT_FALSE(torch::equal(x.images, z.images));
}

TEST(SceneGenerator, SampleDependsOnlyOnItsIndex)
{
    SceneGenerator gen(32, 3);
    SceneBatch whole = gen.batch(100, 4);
    SceneBatch one = gen.batch(102, 1);
    EXPECT_EQ(whole.captions[2], one.captions[0]);
    EXPECT_TRUE(torch::equal(whole.images[2], one.images[0]));
}

TEST(SceneGenerator, ImagesAreSignedAndShaped)
{
    SceneGenerator gen(48, 1);
    SceneBatch b = gen.batch(0, 12);
    ASSERT_EQ(b.images.sizes(), (std::vector<int64_t>{12, 3, 48, 48}));
    EXPECT_GE(b.images.min().item<float>(), -1.0f);
    EXPECT_LE(b.images.max().item<float>(), 1.0f);
    EXPECT_FALSE(torch::isnan(b.images).any().item<bool>());
    // Not flat: every sample has some variation, and samples differ from each other.
    for (int i = 0; i < 12; ++i)
        EXPECT_GT(b.images[i].std().item<float>(), 0.003f) << b.captions[size_t(i)];
}

// A plain fill of each colour has a mean close to its palette value, and that palette
// value is the nearest one: the caption "red" really shows red.
TEST(SceneGenerator, ColourFillsShowTheirColour)
{
    SceneGenerator gen(32, 11);
    std::vector<torch::Tensor> palette;
    for (Colour c : SceneVocabulary::allColours()) {
        const Rgb v = SceneVocabulary::colourRgb(c);
        palette.push_back(torch::tensor({v[0], v[1], v[2]}));
    }
    for (Colour c : SceneVocabulary::allColours()) {
        for (uint64_t index = 0; index < 5; ++index) {
            ScenePlan plan;
            plan.kind = SceneKind::ColourFill;
            plan.back.colour = c;
            auto mean = meanColour(gen.render(plan, index));
            const int ci = static_cast<int>(c);
            const float err = (mean - palette[size_t(ci)]).abs().max().item<float>();
            EXPECT_LT(err, 0.12f) << SceneVocabulary::colourName(c) << " sample " << index;
            int best = -1;
            float bestD = 1e9f;
            for (size_t k = 0; k < palette.size(); ++k) {
                const float d = (mean - palette[k]).pow(2).sum().item<float>();
                if (d < bestD) {
                    bestD = d;
                    best = int(k);
                }
            }
            EXPECT_EQ(best, ci) << SceneVocabulary::colourName(c);
        }
    }
}

// Surfaces have the colour character their words promise.
TEST(SceneGenerator, SurfacesHaveTheirCharacter)
{
    SceneGenerator gen(48, 5);
    for (Surface s : SceneVocabulary::allSurfaces()) {
        for (uint64_t index = 0; index < 4; ++index) {
            ScenePlan plan;
            plan.kind = SceneKind::SurfaceFill;
            plan.back.isColour = false;
            plan.back.surface = s;
            auto m = meanColour(gen.render(plan, index));
            const float r = m[0].item<float>(), g = m[1].item<float>(), b = m[2].item<float>();
            const float lum = (r + g + b) / 3.0f;
            const std::string what = SceneVocabulary::surfaceName(s) + " #" + std::to_string(index);
            switch (s) {
            case Surface::Sky:
            case Surface::Sea:
            case Surface::Water:
                EXPECT_GT(b, r + 0.15f) << what;
                break;
            case Surface::NightSky:
                EXPECT_LT(lum, 0.2f) << what;
                EXPECT_GE(b, r) << what;
                break;
            case Surface::Sunset:
                EXPECT_GT(r, b) << what;
                break;
            case Surface::Clouds:
            case Surface::Snow:
                EXPECT_GT(lum, 0.6f) << what;
                break;
            case Surface::Grass:
            case Surface::Forest:
                EXPECT_GT(g, r) << what;
                EXPECT_GT(g, b) << what;
                break;
            case Surface::Sand:
                EXPECT_GT(r, b + 0.2f) << what;
                EXPECT_GT(lum, 0.5f) << what;
                break;
            case Surface::BrickWall:
            case Surface::Wood:
                EXPECT_GT(r, b + 0.1f) << what;
                break;
            case Surface::Stone:
                EXPECT_LT(std::max({r, g, b}) - std::min({r, g, b}), 0.12f) << what;
                break;
            case Surface::Mountains:
                EXPECT_GT(b, r - 0.05f) << what;
                break;
            }
        }
    }
}

std::vector<std::string> captionWords(const std::string& caption)
{
    std::string spaced;
    for (char ch : caption)
        spaced += ch == ',' ? std::string(" , ") : std::string(1, ch);
    std::istringstream in(spaced);
    std::vector<std::string> out;
    std::string w;
    while (in >> w)
        out.push_back(w);
    return out;
}

// The captions cover the whole vocabulary and use no word outside it.
TEST(SceneGenerator, CaptionsCoverTheVocabulary)
{
    SceneGenerator gen(8, 1);
    const auto captions = gen.captions(0, 4000);
    const auto vocab = SceneVocabulary::words();
    const std::set<std::string> allowed(vocab.begin(), vocab.end());
    std::set<std::string> seenWords;
    std::set<SceneKind> kinds;
    for (const auto& c : captions) {
        ASSERT_FALSE(c.empty());
        for (const auto& w : captionWords(c)) {
            EXPECT_TRUE(allowed.count(w)) << "'" << w << "' in '" << c << "'";
            seenWords.insert(w);
        }
    }
    for (const auto& w : vocab)
        EXPECT_TRUE(seenWords.count(w)) << "word never used: " << w;
    auto contains = [&](const std::string& phrase) {
        return std::any_of(captions.begin(), captions.end(), [&](const std::string& c) {
            return (" " + c + " ").find(" " + phrase + " ") != std::string::npos;
        });
    };
    for (Colour c : SceneVocabulary::allColours())
        EXPECT_TRUE(std::count(captions.begin(), captions.end(), SceneVocabulary::colourName(c)))
            << "no caption that is just '" << SceneVocabulary::colourName(c) << "'";
    for (Surface s : SceneVocabulary::allSurfaces())
        EXPECT_TRUE(std::count(captions.begin(), captions.end(), SceneVocabulary::surfaceName(s)))
            << "no caption that is just '" << SceneVocabulary::surfaceName(s) << "'";
    for (Thing t : SceneVocabulary::allThings())
        EXPECT_TRUE(contains(SceneVocabulary::thingName(t))) << SceneVocabulary::thingName(t);
    EXPECT_TRUE(contains("a yellow sun"));
    EXPECT_TRUE(contains("green grass"));
}

// The mix of sample kinds the trainer relies on for MultiDiffusion: plenty of frame-filling
// colours and surfaces, single objects, and full compositions.
TEST(SceneGenerator, KindMix)
{
    SceneGenerator gen(8, 2);
    std::map<SceneKind, int> count;
    const int n = 3000;
    for (int i = 0; i < n; ++i)
        count[gen.plan(uint64_t(i)).kind]++;
    EXPECT_GT(count[SceneKind::ColourFill], n / 8);
    EXPECT_GT(count[SceneKind::SurfaceFill], n / 8);
    EXPECT_GT(count[SceneKind::Object], n / 8);
    EXPECT_GT(count[SceneKind::Landscape], n / 20);
    EXPECT_GT(count[SceneKind::Composition], n / 8);
}

// Partial captions (phase B3): landscapes and compositions name their ground and sky (and
// objects) as separate phrases; frame-filling kinds have none.
TEST(SceneGenerator, PartsNameTheGroundAndTheSky)
{
    SceneGenerator gen(8, 2);
    int scenes = 0;
    for (int i = 0; i < 1500; ++i) {
        const ScenePlan p = gen.plan(uint64_t(i));
        if (p.kind != SceneKind::Landscape && p.kind != SceneKind::Composition) {
            EXPECT_TRUE(p.parts.empty()) << i;
            continue;
        }
        ++scenes;
        ASSERT_GE(p.parts.size(), 2u) << i;
        EXPECT_LE(p.parts.size(), 2u + p.objects.size()) << i;
        for (const std::string& part : p.parts)
            EXPECT_FALSE(part.empty()) << i;
        if (p.kind == SceneKind::Landscape) {
            EXPECT_NE(p.caption.find(p.parts[0]), std::string::npos) << p.caption;
            EXPECT_NE(p.caption.find(p.parts[1]), std::string::npos) << p.caption;
        }
    }
    EXPECT_GT(scenes, 300);
}

} // namespace
} // namespace md

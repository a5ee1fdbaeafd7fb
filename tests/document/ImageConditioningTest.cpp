// Image conditioning in the document (issue 12): validate() of paint layers, strength and
// result provenance; composeLayers; the start image and region seeds of toGenerateRequest;
// rerollRequest; upscaleRequest; makeResult's record of what made a result.
#include "document/DocumentTestUtil.h"
#include "document/PaintLayers.h"
#include "document/Reroll.h"
#include "document/Upscale.h"

#include <cmath>
#include <gtest/gtest.h>

namespace md {
namespace {

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

RgbImage solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b)
{
    RgbImage img;
    img.width = w;
    img.height = h;
    for (int i = 0; i < w * h; ++i)
        img.pixels.insert(img.pixels.end(), {r, g, b});
    return img;
}

// A layer of one colour and alpha over the whole canvas.
PaintLayer flatLayer(const Project& p, std::uint32_t id, std::uint8_t r, std::uint8_t g,
                     std::uint8_t b, std::uint8_t a)
{
    PaintLayer l = blankPaintLayer(p, "layer " + std::to_string(id));
    l.id = id;
    for (std::size_t i = 0; i < l.pixels.pixels.size(); i += 4) {
        l.pixels.pixels[i] = r;
        l.pixels.pixels[i + 1] = g;
        l.pixels.pixels[i + 2] = b;
        l.pixels.pixels[i + 3] = a;
    }
    return l;
}

const std::uint8_t* pixel(const RgbImage& img, int x, int y)
{
    return img.pixels.data() + (std::size_t(y) * img.width + x) * 3;
}

TEST(ImageConditioning, ComposeLayersBlendsStraightAlphaTimesOpacityOverWhite)
{
    Project p = test::sampleProject();
    // No layers: white.
    RgbImage white = composeLayers(p);
    ASSERT_EQ(white.width, p.width);
    EXPECT_EQ(pixel(white, 5, 5)[0], 255);
    EXPECT_EQ(pixel(white, 5, 5)[2], 255);

    p.paintLayers.push_back(flatLayer(p, 1, 0, 0, 0, 255));   // opaque black
    p.paintLayers.push_back(flatLayer(p, 2, 255, 0, 0, 128)); // half red on top
    p.paintLayers.back().opacity = 0.5f;                      // -> a = 0.251
    p.paintLayers.back().pixels.pixels[3] = 0; // pixel (0,0) of the red layer transparent
    RgbImage c = composeLayers(p);
    EXPECT_EQ(pixel(c, 0, 0)[0], 0); // black shows through
    const float a = 128.f / 255.f * 0.5f;
    EXPECT_EQ(pixel(c, 1, 0)[0], std::uint8_t(std::lround(255.f * a)));
    EXPECT_EQ(pixel(c, 1, 0)[1], 0);

    p.paintLayers.front().visible = false; // red over white now
    c = composeLayers(p);
    EXPECT_EQ(pixel(c, 1, 0)[0], 255);
    EXPECT_EQ(pixel(c, 1, 0)[1], std::uint8_t(std::lround(255.f * (1.f - a))));
}

TEST(ImageConditioning, ValidateChecksPaintLayers)
{
    Project p = test::sampleProject();
    p.paintLayers.push_back(flatLayer(p, 4, 1, 2, 3, 255));
    ASSERT_TRUE(validate(p).isOk()) << validate(p).message();

    Project bad = p;
    bad.paintLayers[0].opacity = 1.5f;
    EXPECT_TRUE(contains(validate(bad).message(), "opacity 1.5")) << validate(bad).message();
    bad = p;
    bad.paintLayers[0].id = 0;
    EXPECT_TRUE(contains(validate(bad).message(), "has id 0"));
    bad = p;
    bad.paintLayers.push_back(p.paintLayers[0]);
    EXPECT_TRUE(contains(validate(bad).message(), "reuses an id"));
    bad = p;
    bad.paintLayers[0].pixels.width = 32;
    EXPECT_TRUE(contains(validate(bad).message(), "the image is 32x64 but the canvas is 96x64"))
        << validate(bad).message();
    bad = p;
    bad.paintLayers[0].pixels.pixels.resize(p.width * p.height * 3);
    EXPECT_TRUE(contains(validate(bad).message(), "(RGBA)"));
    bad = p;
    for (std::uint32_t id = 10; bad.paintLayers.size() <= kMaxPaintLayers; ++id)
        bad.paintLayers.push_back(flatLayer(p, id, 0, 0, 0, 0));
    EXPECT_TRUE(contains(validate(bad).message(), "65 paint layers; the limit is 64"));
}

TEST(ImageConditioning, ValidateChecksStrengthAndResultProvenance)
{
    Project p = test::sampleProject();
    p.settings.strength = 0.f;
    EXPECT_TRUE(contains(validate(p).message(), "denoising strength"));
    p.settings.strength = 1.f;
    ASSERT_TRUE(validate(p).isOk());

    Project bad = p;
    bad.results[1].sourceResultId = bad.results[1].id;
    EXPECT_TRUE(contains(validate(bad).message(), "names itself"));
    bad = p;
    bad.results[0].sourceResultId = bad.results[1].id;
    EXPECT_TRUE(contains(validate(bad).message(), "comes after it")) << validate(bad).message();
    bad = p; // a source no longer in the history (deleted, or a PNG export) is fine
    bad.results[1].sourceResultId = 999;
    EXPECT_TRUE(validate(bad).isOk());

    bad = p;
    bad.results[1].startImage = std::make_shared<const RgbImage>(solid(8, 8, 0, 0, 0));
    EXPECT_TRUE(contains(validate(bad).message(), "the start image is 8x8 but the result is 96x64"))
        << validate(bad).message();
    bad = p;
    bad.results[1].rerollMask = std::make_shared<const MaskImage>(blankMask(p.width, p.height));
    EXPECT_TRUE(contains(validate(bad).message(), "reroll mask without a start image"));
    bad.results[1].startImage = std::make_shared<const RgbImage>(bad.results[0].image);
    EXPECT_TRUE(validate(bad).isOk()) << validate(bad).message();
    bad.results[1].rerollMask = std::make_shared<const MaskImage>(blankMask(8, 8));
    EXPECT_TRUE(contains(validate(bad).message(), "the reroll mask is 8x8"));
}

TEST(ImageConditioning, UpscaledResultsAreTheCanvasTimesTheirFactor)
{
    Project p = test::sampleProject(); // 96x64
    EXPECT_EQ(upscaledSide(96, 1.5), 144);
    EXPECT_EQ(upscaledSide(64, 2.5), 160);
    EXPECT_EQ(upscaledSide(100, 1.5), 152); // 150 -> the nearest multiple of 8

    ProjectResult& r = p.results[1];
    r.image = solid(192, 128, 9, 9, 9);
    EXPECT_TRUE(contains(validate(p).message(), "the image is 192x128 but the canvas is 96x64"));
    r.upscale = 2.0;
    r.sourceResultId = p.results[0].id;
    EXPECT_TRUE(validate(p).isOk()) << validate(p).message();
    r.upscale = 1.5;
    EXPECT_TRUE(contains(validate(p).message(), "upscaled by 1.5 is 144x96"))
        << validate(p).message();
    r.upscale = 4.5;
    EXPECT_TRUE(contains(validate(p).message(), "the upscale factor 4.5 is outside [1, 4]"));
    r.upscale = 2.0;
    r.image = solid(196, 128, 9, 9, 9); // not a multiple of 8
    EXPECT_FALSE(validate(p).isOk());
}

TEST(ImageConditioning, ToGenerateRequestTakesTheStartImageAndRegionSeeds)
{
    Project p = test::sampleProject();
    p.regions[2].seed = 77;
    GenerateRequest r = toGenerateRequest(p);
    EXPECT_TRUE(r.initImage.empty());
    ASSERT_EQ(r.regions.size(), 2u); // the box is hidden
    EXPECT_FALSE(r.regions[0].seed);
    ASSERT_TRUE(r.regions[1].seed);
    EXPECT_EQ(*r.regions[1].seed, 77u);

    p.settings.start = StartImage::LastResult;
    p.settings.strength = 0.4f;
    r = toGenerateRequest(p);
    EXPECT_TRUE(sameImage(r.initImage, p.results.back().image));
    EXPECT_EQ(r.strength, 0.4f);
    // An upscale is not a start image for the canvas: the newest canvas-sized result is.
    ProjectResult up = p.results.back();
    up.id = 50;
    up.image = solid(192, 128, 1, 2, 3);
    up.upscale = 2.0;
    p.results.push_back(up);
    EXPECT_TRUE(sameImage(toGenerateRequest(p).initImage, p.results[1].image));

    p.settings.start = StartImage::Layers;
    p.paintLayers.push_back(flatLayer(p, 1, 10, 20, 30, 255));
    r = toGenerateRequest(p);
    EXPECT_TRUE(sameImage(r.initImage, solid(p.width, p.height, 10, 20, 30)));

    p.settings.start = StartImage::LastResult;
    p.results.clear(); // nothing to start from yet: from noise
    EXPECT_TRUE(toGenerateRequest(p).initImage.empty());
}

TEST(ImageConditioning, RerollKeepsTheResultAndReseedsTheSelectedRegionsOnly)
{
    Project p = test::sampleProject();
    p.regions[0].seed = 5; // sky
    auto r = rerollRequest(p, {9}, 4242);
    ASSERT_TRUE(r.isOk()) << r.error();
    EXPECT_TRUE(sameImage(r->initImage, p.results.back().image));
    EXPECT_EQ(r->strength, 1.f);
    EXPECT_EQ(r->seed, p.settings.seed);
    ASSERT_EQ(r->regions.size(), 2u);
    EXPECT_EQ(*r->regions[0].seed, 5u);    // sky keeps its own seed
    EXPECT_EQ(*r->regions[1].seed, 4242u); // the tower is rerolled
    ASSERT_EQ(r->rerollMask.width, p.width);
    EXPECT_EQ(r->rerollMask.values[std::size_t(20) * p.width + 70], 1.f); // inside the tower
    EXPECT_EQ(r->rerollMask.values[std::size_t(5) * p.width + 70], 0.f);  // outside

    // A hidden box on the wrap-around canvas: refused as hidden; shown, it crosses the seam.
    EXPECT_TRUE(contains(rerollRequest(p, {7}, 1).error(), "is hidden"));
    p.regions[1].visible = true;
    p.regions[1].box = {80, 0, 32, 8};
    auto wrapped = rerollRequest(p, {7, 9}, 1, {p.results[0].id, 0.6f});
    ASSERT_TRUE(wrapped.isOk()) << wrapped.error();
    EXPECT_TRUE(sameImage(wrapped->initImage, p.results[0].image));
    EXPECT_EQ(wrapped->strength, 0.6f);
    EXPECT_EQ(wrapped->rerollMask.values[2], 1.f);  // x = 2, y = 0: past the seam
    EXPECT_EQ(wrapped->rerollMask.values[85], 1.f); // x = 85, y = 0
    EXPECT_EQ(wrapped->rerollMask.values[50], 0.f);

    EXPECT_TRUE(contains(rerollRequest(p, {}, 1).error(), "select at least one region"));
    EXPECT_TRUE(contains(rerollRequest(p, {42}, 1).error(), "no region with id 42"));
    EXPECT_TRUE(contains(rerollRequest(p, {9}, 1, {777, 1.f}).error(), "no result with id 777"));
    Project empty = p;
    empty.results.clear();
    EXPECT_TRUE(contains(rerollRequest(empty, {9}, 1).error(), "no result to keep"));
    Project blank = p;
    blank.regions[2].mask = blankMask(p.width, p.height);
    EXPECT_TRUE(contains(rerollRequest(blank, {9}, 1).error(), "cover nothing"));
}

TEST(ImageConditioning, UpscaleRequestScalesTheCanvasImageAndRegions)
{
    Project p = test::sampleProject(); // 96x64, window 48
    p.regions[1].visible = true;
    p.regions[1].box = {8, 16, 40, 32};
    p.settings.circular = false;
    GenerateRequest made = toGenerateRequest(p);
    made.regions[0].seed = 3;
    const RgbImage& result = p.results.back().image;
    auto up = upscaleRequest(made, result, 2.0);
    ASSERT_TRUE(up.isOk()) << up.error();
    EXPECT_EQ(up->width, 192);
    EXPECT_EQ(up->height, 128);
    EXPECT_EQ(up->window, made.window); // the views tile the larger canvas
    EXPECT_EQ(up->strength, kDefaultUpscaleStrength);
    EXPECT_EQ(up->initImage.width, 192);
    EXPECT_EQ(up->featherPx, made.featherPx * 2.f);
    EXPECT_EQ(up->seed, made.seed);
    EXPECT_EQ(*up->regions[0].seed, 3u);
    ASSERT_EQ(up->regions.size(), 3u);
    ASSERT_TRUE(up->regions[1].box);
    EXPECT_EQ(up->regions[1].box->x, 16);
    EXPECT_EQ(up->regions[1].box->width, 80);
    EXPECT_EQ(up->regions[1].box->height, 64);
    const MaskImage& tower = up->regions[2].mask; // x 60..89, y 10..49 at 1x
    ASSERT_EQ(tower.width, 192);
    EXPECT_EQ(tower.values[std::size_t(40) * 192 + 150], 1.f);
    EXPECT_EQ(tower.values[std::size_t(40) * 192 + 100], 0.f);
    for (float v : tower.values)
        ASSERT_TRUE(v >= 0.f && v <= 1.f);
    // Lanczos keeps a flat colour flat.
    auto flat = upscaleRequest(made, solid(96, 64, 40, 80, 120), 1.5, 0.5f);
    ASSERT_TRUE(flat.isOk());
    EXPECT_EQ(flat->width, 144);
    EXPECT_TRUE(sameImage(flat->initImage, solid(144, 96, 40, 80, 120)));
    EXPECT_EQ(flat->strength, 0.5f);

    EXPECT_TRUE(contains(upscaleRequest(made, result, 4.5).error(), "outside [1, 4]"));
    EXPECT_TRUE(contains(upscaleRequest(made, result, 2.0, 0.f).error(), "strength"));
    EXPECT_TRUE(contains(upscaleRequest(made, solid(8, 8, 0, 0, 0), 2.0).error(),
                         "the image to upscale is 8x8 but the request that made it is 96x64"));
    GenerateRequest big = made;
    big.width = 4104;
    big.regions.clear();
    EXPECT_TRUE(contains(upscaleRequest(big, solid(4104, 64, 0, 0, 0), 4.0).error(),
                         "16416x256; the largest canvas side is 16384"));
}

TEST(ImageConditioning, MakeResultRecordsWhatMadeItAndSharesEqualImages)
{
    Project p = test::sampleProject();
    auto reroll = rerollRequest(p, {9}, 4242, {std::nullopt, 0.9f});
    ASSERT_TRUE(reroll.isOk());
    ProjectResult a = makeResult(p, solid(p.width, p.height, 1, 1, 1), *reroll);
    ASSERT_TRUE(a.startImage);
    ASSERT_TRUE(a.rerollMask);
    EXPECT_TRUE(sameImage(*a.startImage, p.results.back().image));
    EXPECT_EQ(a.settings.strength, 0.9f);
    EXPECT_EQ(a.seed, p.settings.seed);
    // The layout records the region seeds used: the tower's fresh one.
    ASSERT_TRUE(a.layout);
    EXPECT_EQ(*(*a.layout)[2].region.seed, 4242u);
    EXPECT_FALSE((*a.layout)[0].region.seed);
    p.results.push_back(a);
    ASSERT_TRUE(validate(p).isOk()) << validate(p).message();

    // A second reroll of the same result with the same selection holds both images once.
    ProjectResult b = makeResult(p, solid(p.width, p.height, 2, 2, 2), *reroll);
    EXPECT_EQ(b.startImage, a.startImage);
    EXPECT_EQ(b.rerollMask, a.rerollMask);

    auto up = upscaleRequest(toGenerateRequest(p), a.image, 2.0);
    ASSERT_TRUE(up.isOk());
    ProjectResult u = makeResult(p, solid(192, 128, 3, 3, 3), *up, a.id, 2.0);
    EXPECT_EQ(u.sourceResultId, a.id);
    EXPECT_EQ(u.upscale, 2.0);
    EXPECT_EQ(u.startImage->width, 192);
    EXPECT_FALSE(u.rerollMask);
    EXPECT_EQ(u.settings.strength, kDefaultUpscaleStrength);
    p.results.push_back(u);
    EXPECT_TRUE(validate(p).isOk()) << validate(p).message();
}

} // namespace
} // namespace md

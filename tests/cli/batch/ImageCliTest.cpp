// mdstudio-cli generate's image conditioning (issue 12), run as a user would: img2img from
// --init-image, a reroll of a project's region, an upscale, region seeds; what the saved
// projects and PNGs record; the refusals before any rendering; batch re-running an img2img
// project. The fixture model renders (the pixels are not judged) except in the last test.

#include "CliRun.h"
#include "TestConfig.h"
#include "document/ImageIo.h"
#include "document/ProjectFile.h"

#include <cmath>
#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

namespace fs = std::filesystem;

using test::CliRun;
using test::modelDir;
using test::runCli;

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

class ImageCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!fs::exists(modelDir()))
            GTEST_SKIP() << "fixture model missing: " << modelDir();
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::string(MD_BINARY_DIR) + "/test-tmp/cli-image/" + info->name();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        // A 64x64 mask: the lower half.
        MaskImage sea = blankMask(64, 64);
        for (std::size_t i = sea.values.size() / 2; i < sea.values.size(); ++i)
            sea.values[i] = 1.f;
        ASSERT_TRUE(writeMaskPng(path("sea.png"), sea).isOk());
        m_sea = sea;
    }

    std::string path(const std::string& name) const { return m_dir + "/" + name; }

    // generate on the fixture model: `steps` Euler steps, quiet, then `extra`. An image
    // start at strength S runs int(steps * S) of them: at least one, or the engine refuses.
    CliRun generate(const std::vector<std::string>& extra, const std::string& steps = "2") const
    {
        std::vector<std::string> args{"generate", "--model",   modelDir(), "--steps",
                                      steps,      "--sampler", "euler",    "--quiet"};
        args.insert(args.end(), extra.begin(), extra.end());
        return runCli(args);
    }

    // A 64x64 project with a box (region 1) and a mask region (2), and its first result.
    std::string baseProject()
    {
        CliRun run =
            generate({"--prompt", "a calm sea", "--width", "64", "--height", "64", "--seed", "3",
                      "--box", "8,8,24,16=a boat", "--region", path("sea.png") + "=waves", "--out",
                      path("base.png"), "--save-project", path("base.mdsp")});
        EXPECT_EQ(run.code, 0) << run.output;
        return path("base.mdsp");
    }

    std::string m_dir;
    MaskImage m_sea;
};

TEST_F(ImageCli, InitImageIsSavedAsAStartLayerAndBatchRendersIt)
{
    baseProject();
    auto base = readRgbPng(path("base.png"));
    ASSERT_TRUE(base.isOk());
    CliRun run =
        generate({"--prompt", "a calm sea", "--init-image", path("base.png"), "--strength", "0.3",
                  "--seed", "4", "--box", "8,8,24,16=a boat", "--region-seed", "1=99", "--out",
                  path("img2img.png"), "--save-project", path("img2img.mdsp")},
                 "4");
    ASSERT_EQ(run.code, 0) << run.output;
    auto p = loadProject(path("img2img.mdsp"));
    ASSERT_TRUE(p.isOk()) << p.error();
    EXPECT_EQ(p->width, 64); // the canvas from the image
    EXPECT_EQ(p->settings.start, StartImage::Layers);
    EXPECT_EQ(p->settings.strength, 0.3f);
    ASSERT_EQ(p->paintLayers.size(), 1u);
    EXPECT_EQ(p->paintLayers[0].pixels.pixels[0], base->pixels[0]);
    EXPECT_EQ(p->paintLayers[0].pixels.pixels[3], 255);
    EXPECT_TRUE(sameImage(toGenerateRequest(*p).initImage, *base));
    ASSERT_EQ(p->regions.size(), 1u);
    EXPECT_EQ(p->regions[0].seed, std::optional<std::uint64_t>(99));
    ASSERT_EQ(p->results.size(), 1u);
    ASSERT_TRUE(p->results[0].startImage);
    EXPECT_TRUE(sameImage(*p->results[0].startImage, *base));
    EXPECT_EQ(p->results[0].settings.strength, 0.3f);
    auto exported = loadProject(path("img2img.png"));
    ASSERT_TRUE(exported.isOk()) << exported.error();
    EXPECT_EQ(exported->paintLayers.size(), 1u);

    CliRun batch = runCli({"batch", path("img2img.mdsp"), "--seeds", "5", "--out", path("b")});
    ASSERT_EQ(batch.code, 0) << batch.output;
    auto again = loadProject(path("b/img2img-5.png"));
    ASSERT_TRUE(again.isOk()) << again.error();
    ASSERT_TRUE(again->results[0].startImage);
    EXPECT_TRUE(sameImage(*again->results[0].startImage, *base));
}

TEST_F(ImageCli, RerollRegionOfAProjectKeepsItsResultAndReseedsTheRegion)
{
    const std::string base = baseProject();
    CliRun run = generate({"--project", base, "--reroll-region", "2", "--seed", "77", "--out",
                           path("reroll.png"), "--save-project", path("reroll.mdsp")});
    ASSERT_EQ(run.code, 0) << run.output;
    auto p = loadProject(path("reroll.mdsp"));
    ASSERT_TRUE(p.isOk()) << p.error();
    ASSERT_EQ(p->results.size(), 2u);
    const ProjectResult& r = p->results[1];
    EXPECT_EQ(r.seed, 3u); // the rest keeps the project's seed
    ASSERT_TRUE(r.startImage);
    EXPECT_TRUE(sameImage(*r.startImage, p->results[0].image));
    ASSERT_TRUE(r.rerollMask);
    EXPECT_EQ(r.rerollMask->values, m_sea.values);
    EXPECT_EQ(r.settings.strength, 1.f);
    EXPECT_EQ(p->regions[1].seed, std::optional<std::uint64_t>(77));
    EXPECT_FALSE(p->regions[0].seed);
    ASSERT_TRUE(r.layout);
    EXPECT_EQ((*r.layout)[1].region.seed, std::optional<std::uint64_t>(77));
    auto exported = loadProject(path("reroll.png"));
    ASSERT_TRUE(exported.isOk()) << exported.error();
    ASSERT_TRUE(exported->results[0].rerollMask);

    // A mask file instead of a region, kept image from the project.
    CliRun mask =
        generate({"--project", base, "--reroll", path("sea.png"), "--out", path("reroll2.png")});
    ASSERT_EQ(mask.code, 0) << mask.output;
}

TEST_F(ImageCli, UpscaleOfAProjectRecordsItsSourceAndFactor)
{
    const std::string base = baseProject();
    CliRun run = generate({"--project", base, "--upscale", "2", "--out", path("up.png"),
                           "--save-project", path("up.mdsp")},
                          "4");
    ASSERT_EQ(run.code, 0) << run.output;
    auto p = loadProject(path("up.mdsp"));
    ASSERT_TRUE(p.isOk()) << p.error();
    ASSERT_EQ(p->results.size(), 2u);
    const ProjectResult& u = p->results[1];
    EXPECT_EQ(u.image.width, 128);
    EXPECT_EQ(u.image.height, 128);
    EXPECT_EQ(u.upscale, 2.0);
    EXPECT_EQ(u.sourceResultId, p->results[0].id);
    ASSERT_TRUE(u.startImage);
    EXPECT_EQ(u.startImage->width, 128);
    EXPECT_NEAR(u.settings.strength, 0.35f, 1e-6f);
    auto png = readRgbPng(path("up.png"));
    ASSERT_TRUE(png.isOk());
    EXPECT_EQ(png->width, 128);
    auto exported = loadProject(path("up.png"));
    ASSERT_TRUE(exported.isOk()) << exported.error();
    EXPECT_EQ(exported->width, 64);
    EXPECT_EQ(exported->results[0].upscale, 2.0);

    // An image given directly: 64x64 by 1.5 is 96x96.
    CliRun direct = generate({"--prompt", "a calm sea", "--init-image", path("base.png"),
                              "--upscale", "1.5", "--out", path("up2.png")},
                             "4");
    ASSERT_EQ(direct.code, 0) << direct.output;
    EXPECT_EQ(readRgbPng(path("up2.png"))->width, 96);
}

// Refused before rendering (exit status 2), the message naming what to change.
TEST_F(ImageCli, RefusalsNameTheOptionAndTheFix)
{
    const std::string base = baseProject();
    const std::string img = path("base.png");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--prompt", "x", "--init-image", img, "--width", "128", "--height", "64"},
         "--init-image " + img + " is 64x64 but the canvas is 128x64"},
        {{"--prompt", "x", "--strength", "0.5"}, "--strength needs a start image"},
        {{"--prompt", "x", "--init-image", img, "--strength", "0"},
         "--strength must be above 0 and at most 1, got 0"},
        {{"--prompt", "x", "--init-image", img, "--strength", "1.5"},
         "--strength must be between 0 and 1, got 1.5"},
        {{"--prompt", "x", "--keep-image", img}, "--keep-image needs --reroll MASK.png"},
        {{"--prompt", "x", "--reroll", path("sea.png")}, "--reroll needs --keep-image IMG"},
        {{"--prompt", "x", "--init-image", img, "--keep-image", img, "--reroll", path("sea.png")},
         "--init-image and --keep-image exclude each other"},
        {{"--prompt", "x", "--reroll-region", "1"}, "--reroll-region needs --project P.mdsp"},
        {{"--project", base, "--reroll-region", "5"},
         "the project has no region with id 5 (its region ids: 1, 2)"},
        {{"--project", base, "--reroll-region", "two"}, "--reroll-region expects an integer"},
        {{"--project", base, "--prompt", "x"}, "--prompt does not go with --project"},
        {{"--prompt", "x", "--upscale", "2"}, "--upscale needs the image to upscale"},
        {{"--prompt", "x", "--init-image", img, "--upscale", "5"},
         "--upscale must be between 1 and 4, got 5"},
        {{"--project", base, "--upscale", "2", "--reroll-region", "1"},
         "--upscale does not go with a reroll"},
        {{"--prompt", "x", "--box", "0,0,8,8=a", "--region-seed", "2=5"},
         "--region-seed 2=5: there is 1 region"},
        {{"--prompt", "x", "--region-seed", "1"}, "--region-seed expects N=SEED"},
        {{"--project", base, "--region-seed", "9=1"},
         "--region-seed 9=1: the project has no region 9 (its region ids: 1, 2)"},
        {{"--prompt", "x", "--box", "0,0,8,8=a", "--region-seed", "1=1", "--region-seed", "1=2"},
         "--region-seed gives region 1 two seeds"},
        {{"--prompt", "x", "--keep-image", img, "--reroll", path("nothing.png")}, "--reroll: "},
        {{"--prompt", "x", "--init-image", path("nothing.png")}, "--init-image: "},
    };
    for (const auto& [args, message] : cases) {
        std::vector<std::string> full = args;
        full.insert(full.end(), {"--out", path("never.png")});
        CliRun run = generate(full);
        EXPECT_EQ(run.code, 2) << args[2] << "\n" << run.output;
        EXPECT_TRUE(contains(run.output, message)) << "expected: " << message << "\n" << run.output;
        EXPECT_FALSE(contains(run.output, "step ")) << run.output;
    }
    EXPECT_FALSE(fs::exists(path("never.png")));
}

double meanAbsDiff(const RgbImage& a, const RgbImage& b)
{
    double sum = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i)
        sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
    return sum / double(a.pixels.size());
}

// END TO END, NEEDS THE IMG2IMG ENGINE (branch img2img-engine): on the embedded model, an
// img2img run at strength 0.3 stays close to its init image, much closer than a text-to-image
// run with the same seed. Until that engine is merged the engine ignores initImage, the two
// runs give the same pixels, and the test skips saying so; after the merge it must pass.
// Measured on project-v3 merged with img2img-engine (4559097): 9.5 from the init image on
// average (0-255 per channel) against 83.3 for text-to-image.
TEST(ImageCliEndToEnd, Img2ImgAtStrength03StaysCloseToTheInitImage)
{
    const std::string dir = std::string(MD_BINARY_DIR) + "/test-tmp/cli-image/end-to-end";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::vector<std::string> common{"generate", "--quiet", "--width", "128",       "--height",
                                          "128",      "--steps", "12",      "--sampler", "euler"};
    auto gen = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = common;
        args.insert(args.end(), extra.begin(), extra.end());
        return runCli(args);
    };
    CliRun init = gen(
        {"--prompt", "a red house under a blue sky", "--seed", "1", "--out", dir + "/init.png"});
    ASSERT_EQ(init.code, 0) << init.output;
    CliRun txt = gen(
        {"--prompt", "a red house under a blue sky", "--seed", "2", "--out", dir + "/txt2img.png"});
    ASSERT_EQ(txt.code, 0) << txt.output;
    CliRun img = gen({"--prompt", "a red house under a blue sky", "--seed", "2", "--init-image",
                      dir + "/init.png", "--strength", "0.3", "--out", dir + "/img2img.png"});
    ASSERT_EQ(img.code, 0) << img.output;
    auto a = readRgbPng(dir + "/init.png");
    auto t = readRgbPng(dir + "/txt2img.png");
    auto i = readRgbPng(dir + "/img2img.png");
    ASSERT_TRUE(a.isOk() && t.isOk() && i.isOk());
    EXPECT_FALSE(sameImage(*t, *i)) << "img2img gave the text-to-image pixels";
    const double fromInit = meanAbsDiff(*i, *a);
    const double txtFromInit = meanAbsDiff(*t, *a);
    RecordProperty("img2img_vs_init_mean_abs", std::to_string(fromInit));
    RecordProperty("txt2img_vs_init_mean_abs", std::to_string(txtFromInit));
    EXPECT_LT(fromInit, 0.5 * txtFromInit)
        << "img2img at 0.3 is " << fromInit << " from its init image on average, text-to-image "
        << txtFromInit;
    EXPECT_LT(fromInit, 20.0);
}

} // namespace
} // namespace md

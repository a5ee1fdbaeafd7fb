#include "document/A1111Parameters.h"
#include "document/DocumentTestUtil.h"
#include "document/ProjectFile.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

namespace md {
namespace {

TEST(ExportPng, ParametersReadLikeA1111)
{
    test::ScratchDir dir;
    const Project p = test::sampleProject();
    const ProjectResult& r = p.results[1];
    ASSERT_TRUE(exportPng(p, r, dir.path("out.png")).isOk());

    // Any viewer sees the image.
    cv::Mat img = cv::imread(dir.path("out.png"), cv::IMREAD_COLOR);
    ASSERT_EQ(img.cols, 96);
    ASSERT_EQ(img.rows, 64);
    EXPECT_EQ(img.at<cv::Vec3b>(0, 1)[2], r.image.pixels[3]); // red of pixel (1, 0)

    auto chunks = readPngText(dir.path("out.png"));
    ASSERT_TRUE(chunks.isOk()) << chunks.error();
    const PngTextChunk* params = findPngText(*chunks, "parameters");
    ASSERT_NE(params, nullptr);
    EXPECT_FALSE(params->compressed);
    const std::string& t = params->text;
    EXPECT_EQ(
        t.rfind(r.prompt + "\nNegative prompt: " + r.negative +
                    "\nSteps: 27, Sampler: Euler "
                    "a, CFG scale: 6.25, Seed: 1001, Size: 96x64, Model hash: 1a2b3c4d, Model: "
                    "dream shaper, MultiDiffusion regions: \"[",
                0),
        0u)
        << t;

    const A1111Info info = parseA1111Parameters(t);
    EXPECT_EQ(info.prompt, r.prompt);
    EXPECT_EQ(info.negative, r.negative);
    ASSERT_NE(info.field("Steps"), nullptr);
    EXPECT_EQ(*info.field("Steps"), "27");
    EXPECT_EQ(*info.field("Sampler"), "Euler a");
    EXPECT_EQ(*info.field("CFG scale"), "6.25");
    EXPECT_EQ(*info.field("Seed"), "1001");
    EXPECT_EQ(*info.field("Size"), "96x64");
    EXPECT_EQ(*info.field("Model hash"), "1a2b3c4d");
    EXPECT_EQ(*info.field("Model"), "dream shaper");
    ASSERT_NE(info.field("MultiDiffusion regions"), nullptr);
    auto regions = nlohmann::json::parse(*info.field("MultiDiffusion regions"));
    ASSERT_EQ(regions.size(), 2u);
    EXPECT_EQ(regions[0]["prompt"], "pink clouds, \"quoted\"");
    EXPECT_EQ(regions[0]["negative"], "birds");
    EXPECT_EQ(regions[1]["name"], "Leuchtturm \xc3\xa9\xe2\x98\x85");
    EXPECT_EQ(regions[1]["prompt"], "a lighthouse\nat night");
    auto fusion = nlohmann::json::parse(*info.field("MultiDiffusion"));
    EXPECT_EQ(fusion["window"], 48);
    EXPECT_EQ(fusion["bootstrap steps"], 3);
    EXPECT_EQ(fusion["circular"], true);
}

TEST(ExportPng, LoadProjectRestoresTheProjectWithMasks)
{
    test::ScratchDir dir;
    Project p = test::sampleProject();
    const ProjectResult r = p.results[0];
    // Change the project after the result: the export must describe the result's state.
    p.prompt = "changed later";
    p.settings.steps = 5;
    p.regions[0].prompt = "changed region";
    ASSERT_TRUE(exportPng(p, r, dir.path("e.png")).isOk());

    auto back = loadProject(dir.path("e.png"));
    ASSERT_TRUE(back.isOk()) << back.error();
    EXPECT_EQ(back->width, 96);
    EXPECT_EQ(back->prompt, r.prompt);
    EXPECT_EQ(back->settings.steps, 27);
    EXPECT_EQ(back->settings.seed, r.seed);
    ASSERT_EQ(back->regions.size(), 3u);
    EXPECT_EQ(back->regions[0].prompt, "pink clouds, \"quoted\"");
    EXPECT_FALSE(back->regions[1].visible); // not used by the result
    EXPECT_EQ(back->regions[1].box.width, 40);
    for (std::size_t i = 0; i < p.regions[0].mask.values.size(); ++i)
        ASSERT_NEAR(back->regions[0].mask.values[i], p.regions[0].mask.values[i], 1.f / 255.f);
    EXPECT_EQ(back->regions[2].mask.values, p.regions[2].mask.values); // hard edges exact
    ASSERT_EQ(back->results.size(), 1u);
    EXPECT_EQ(back->results[0].image.pixels, r.image.pixels);
    EXPECT_EQ(back->results[0].seed, r.seed);
    EXPECT_EQ(back->results[0].timestamp, r.timestamp);
    EXPECT_EQ(back->model.displayName, "dream shaper");

    // The request rebuilt from the reopened PNG is the one that made the image.
    const GenerateRequest a = toGenerateRequest(projectForResult(p, r));
    const GenerateRequest b = toGenerateRequest(*back);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.seed, b.seed);
    EXPECT_EQ(a.steps, b.steps);
    ASSERT_EQ(a.regions.size(), b.regions.size());
    EXPECT_EQ(a.regions[1].prompt, b.regions[1].prompt);
}

TEST(ExportPng, PlainPngsAreNotProjects)
{
    test::ScratchDir dir;
    ASSERT_TRUE(cv::imwrite(dir.path("plain.png"), cv::Mat(8, 8, CV_8UC3, cv::Scalar(0))));
    auto p = loadProject(dir.path("plain.png"));
    ASSERT_FALSE(p.isOk());
    EXPECT_NE(p.error().find("no MultiDiffusion Studio project"), std::string::npos) << p.error();
}

TEST(ExportPng, EmbeddedProjectWithArchivePathsIsRefused)
{
    // A PNG whose project chunk points at archive entries (it has none) must not crash.
    const Project p = test::sampleProject();
    RgbImage img = p.results[0].image;
    PngTextChunks text = {{"mdstudio-project",
                           "{\"format\":\"mdstudio-project\",\"version\":2,\"canvas\":{\"width\":"
                           "96,\"height\":64},\"regions\":[{\"id\":1,\"kind\":\"mask\",\"mask\":"
                           "\"masks/1.png\"}]}",
                           true}};
    auto png = encodePng(img, text);
    ASSERT_TRUE(png.isOk());
    auto back = decodeExportPng(*png, "x.png");
    ASSERT_FALSE(back.isOk());
    EXPECT_NE(back.error().find("masks/1.png"), std::string::npos) << back.error();
}

TEST(A1111, RequestFormMatchesTheExport)
{
    const Project p = test::sampleProject();
    const ProjectResult& r = p.results[0];
    const Project used = projectForResult(p, r);
    const GenerateRequest request = toGenerateRequest(used);
    const A1111Info a = parseA1111Parameters(a1111Parameters(r, p.width, p.height));
    const A1111Info b = parseA1111Parameters(a1111Parameters(request, p.model));
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.negative, b.negative);
    for (const char* key :
         {"Steps", "Sampler", "CFG scale", "Seed", "Size", "Model hash", "Model", "MultiDiffusion"})
        EXPECT_EQ(*a.field(key), *b.field(key)) << key;
    // Region names differ ("Region N" from a request); the prompts agree.
    auto ra = nlohmann::json::parse(*a.field("MultiDiffusion regions"));
    auto rb = nlohmann::json::parse(*b.field("MultiDiffusion regions"));
    ASSERT_EQ(ra.size(), rb.size());
    EXPECT_EQ(ra[1]["prompt"], rb[1]["prompt"]);
    EXPECT_EQ(rb[1]["name"], "Region 2");
}

TEST(A1111, QuotingFollowsA1111)
{
    EXPECT_EQ(a1111Quote("plain value"), "plain value");
    EXPECT_EQ(a1111Quote("a, b"), "\"a, b\"");
    EXPECT_EQ(a1111Quote("k: v"), "\"k: v\"");
    EXPECT_EQ(a1111Quote("line\nbreak \"q\""), "\"line\\nbreak \\\"q\\\"\"");
}

TEST(A1111, ParsesA1111sOwnOutput)
{
    const std::string text = "masterpiece, 1girl\nsecond line\nNegative prompt: bad hands\n"
                             "Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 42, "
                             "Size: 512x768, Model hash: 6ce0161689, Model: v1-5, "
                             "Tiled Diffusion: \"{'Method': 'MultiDiffusion', 'x': 1}\", "
                             "Version: v1.6.0";
    const A1111Info info = parseA1111Parameters(text);
    EXPECT_EQ(info.prompt, "masterpiece, 1girl\nsecond line");
    EXPECT_EQ(info.negative, "bad hands");
    EXPECT_EQ(*info.field("Seed"), "42");
    EXPECT_EQ(*info.field("Tiled Diffusion"), "{'Method': 'MultiDiffusion', 'x': 1}");
    EXPECT_EQ(*info.field("Version"), "v1.6.0");
}

} // namespace
} // namespace md

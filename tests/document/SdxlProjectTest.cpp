// An SDXL project keeps its model: the .mdsp round trip holds the path and every hash, `batch`
// (BatchRun) renders it again with that model at its SDXL size, and the exports name the model
// as A1111 does. The tiny SDXL fixture file stands for the checkpoint (nothing is loaded).

#include "document/A1111Parameters.h"
#include "document/BatchRun.h"
#include "document/DocumentTestUtil.h"
#include "document/ImageIo.h"
#include "document/ModelHash.h"
#include "document/ProjectFile.h"
#include "document/Sha256.h"

#include <filesystem>
#include <gtest/gtest.h>

namespace md {
namespace {

namespace fs = std::filesystem;

Project sdxlProject(const ModelReference& model)
{
    Project p;
    p.width = 1216; // an SDXL bucket
    p.height = 832;
    p.model = model;
    p.prompt = "a harbour at dawn, masterpiece";
    p.negative = "blurry";
    p.settings.seed = 11;
    p.settings.seedMode = SeedMode::Fixed;
    p.settings.steps = 3;
    ProjectRegion boat;
    boat.id = 1;
    boat.name = "boat";
    boat.prompt = "a red boat";
    boat.kind = RegionKind::Box;
    boat.box = {100, 400, 300, 200};
    p.regions.push_back(boat);
    return p;
}

TEST(SdxlProject, RoundTripsAndBatchRerunsWithItsModel)
{
    const std::string checkpoint = test::fixturePath("sdxl/tiny-sdxl.safetensors");
    ASSERT_TRUE(fs::exists(checkpoint)) << checkpoint;
    auto model = describeModel(checkpoint);
    ASSERT_TRUE(model.isOk()) << model.error();
    EXPECT_EQ(model->displayName, "tiny-sdxl");
    const auto bytes = test::readAll(checkpoint);
    EXPECT_EQ(model->sha256, Sha256::hex(bytes.data(), bytes.size()));

    test::ScratchDir dir;
    const Project p = sdxlProject(model.value());
    ASSERT_TRUE(validate(p).isOk());
    ASSERT_TRUE(saveProject(p, dir.path("harbour.mdsp")).isOk());
    auto back = loadProject(dir.path("harbour.mdsp"));
    ASSERT_TRUE(back.isOk()) << back.error();
    EXPECT_EQ(back->width, 1216);
    EXPECT_EQ(back->height, 832);
    EXPECT_EQ(back->model.path, checkpoint);
    EXPECT_EQ(back->model.contentHash, model->contentHash);
    EXPECT_EQ(back->model.shortHash, model->shortHash);
    EXPECT_EQ(back->model.sha256, model->sha256);
    EXPECT_EQ(back->model.displayName, "tiny-sdxl");
    EXPECT_EQ(checkModel(back->model), ModelCheck::Same);

    // `batch`: the project's own model, rendered at the project's SDXL size.
    auto run = BatchRun::open(dir.path("harbour.mdsp"));
    ASSERT_TRUE(run.isOk()) << run.error();
    BatchOverrides o;
    o.seeds = "11,12";
    ASSERT_TRUE(run->configure(o).isOk());
    auto modelPath = run->projectModelPath();
    ASSERT_TRUE(modelPath.isOk()) << modelPath.error();
    EXPECT_EQ(modelPath.value(), checkpoint);
    ASSERT_TRUE(run->plan(modelPath.value(), dir.path("out"), false).isOk());
    std::vector<std::pair<int, int>> sizes;
    auto render = [&sizes](const GenerateRequest& r, const GenerateCallbacks&) {
        sizes.emplace_back(r.width, r.height);
        RgbImage image;
        image.width = r.width;
        image.height = r.height;
        image.pixels.assign(std::size_t(r.width) * r.height * 3, std::uint8_t(r.seed));
        return Result<RgbImage>(std::move(image));
    };
    ASSERT_TRUE(run->run(render).isOk());
    EXPECT_EQ(sizes, (std::vector<std::pair<int, int>>{{1216, 832}, {1216, 832}}));

    const std::string png = dir.path("out/" + run->fileName(12));
    auto exported = loadProject(png);
    ASSERT_TRUE(exported.isOk()) << exported.error();
    EXPECT_EQ(exported->model.path, checkpoint);
    EXPECT_EQ(exported->model.sha256, model->sha256);
    auto chunks = readPngText(png);
    ASSERT_TRUE(chunks.isOk()) << chunks.error();
    const PngTextChunk* params = findPngText(*chunks, "parameters");
    ASSERT_NE(params, nullptr);
    const A1111Info info = parseA1111Parameters(params->text);
    EXPECT_EQ(*info.field("Size"), "1216x832");
    EXPECT_EQ(*info.field("Seed"), "12");
    EXPECT_EQ(*info.field("Model hash"), model->sha256.substr(0, 10));
    EXPECT_EQ(*info.field("Model"), "tiny-sdxl");
}

} // namespace
} // namespace md

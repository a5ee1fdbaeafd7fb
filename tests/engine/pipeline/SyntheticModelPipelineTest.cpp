// The pipeline on models other than the fixture (random weights, written by the test):
// SD 2.x-style (linear projection, v-prediction, OpenCLIP single file) and SD 1.x-style
// architectures run every sampler end to end, and the single file gives the same latents
// as the folder.

#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/pipeline/DiffusionPipeline.h"
#include "engine/pipeline/ModelSession.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace md;

namespace {

struct Written
{
    std::string folder;
    std::string file;
};

Written writeModel(const test::SyntheticModelSpec& spec)
{
    const auto model = test::makeSyntheticModel(spec);
    Written w{test::tempPath(spec.name + "-folder"), test::tempPath(spec.name + ".safetensors")};
    test::writeDiffusersFolder(model, w.folder);
    test::writeLdmSingleFile(model, w.file);
    return w;
}

std::shared_ptr<StableDiffusionModel> load(const std::string& path, const std::string& tokenizer)
{
    ModelOptions o;
    o.path = path;
    o.tokenizerDir = tokenizer;
    o.device = "cpu";
    auto m = StableDiffusionModel::load(o);
    EXPECT_TRUE(m.isOk()) << path << ": " << m.error();
    return m ? m.value() : nullptr;
}

GenerateRequest request(SamplerKind kind)
{
    GenerateRequest r;
    r.prompt = "a (small:1.2) house by a lake, evening light";
    r.negative = "blurry";
    r.width = 64;
    r.height = 48;
    r.steps = 3;
    r.cfg = 6.0f;
    r.seed = 11;
    r.sampler = kind;
    return r;
}

void runEverySampler(const test::SyntheticModelSpec& spec, const std::string& expectFamily,
                     const std::string& expectPrediction)
{
    const auto w = writeModel(spec);
    auto folder = load(w.folder, "");
    auto single = load(w.file, w.folder + "/tokenizer");
    ASSERT_TRUE(folder && single);
    EXPECT_EQ(folder->info().family, expectFamily);
    EXPECT_EQ(folder->info().prediction, expectPrediction);
    EXPECT_EQ(single->info().prediction, expectPrediction);
    ModelSession folderSession(folder);
    ModelSession singleSession(single);
    DiffusionPipeline a(folderSession);
    DiffusionPipeline b(singleSession);
    for (auto kind : allSamplers()) {
        auto ra = a.run(request(kind));
        auto rb = b.run(request(kind));
        ASSERT_TRUE(ra.isOk()) << samplerName(kind) << ": " << ra.error();
        ASSERT_TRUE(rb.isOk()) << samplerName(kind) << ": " << rb.error();
        EXPECT_TRUE(torch::isfinite(ra->latents).all().item<bool>()) << samplerName(kind);
        EXPECT_EQ(ra->image.width, 64);
        EXPECT_EQ(ra->image.height, 48);
        const double diff = (ra->latents - rb->latents).abs().max().item<double>();
        std::printf("  %s %-16s folder vs single file max|diff| %.3g\n", spec.name.c_str(),
                    samplerName(kind).c_str(), diff);
        EXPECT_LE(diff, 1e-4 * std::max(1.0, ra->latents.abs().max().item<double>()));
    }
}

} // namespace

TEST(SyntheticModelPipeline, Sd2TinyVPrediction)
{
    runEverySampler(test::sd2TinySpec(), "SD 2.x", "v_prediction");
}

TEST(SyntheticModelPipeline, Sd1Small)
{
    auto spec = test::sd1SmallSpec();
    spec.name = "pipeline-sd1-small";
    runEverySampler(spec, "SD 1.x", "epsilon");
}

// The embedded default model takes LoRA files like any SD 1.x model: kohya files written for
// its networks attach at run time and change its UNet output only while their slot is
// enabled. The files stay in the build tree (test-tmp/bench-loras/a|b|c.safetensors, rank 8,
// UNet and text encoder) for the CPU benchmark of docs/benchmarks.md ("LoRA per region").

#include "TestConfig.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ModelLoraTargets.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/common/TestLoraFile.h"
#include "engine/nn/LowRankAdapter.h"
#include "engine/pipeline/ModelLoras.h"
#include "engine/pipeline/PromptEncoder.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

TEST(EmbeddedModelLora, KohyaFilesAttachAndActOnlyWhenEnabled)
{
    torch::NoGradGuard noGrad;
    ModelOptions o;
    o.path = test::sourcePath("resources/models/mds-tiny");
    o.device = "cpu";
    auto loaded = StableDiffusionModel::load(o);
    ASSERT_TRUE(loaded) << loaded.error();
    auto& model = *loaded.value();
    // Not a tempPath (those go when the process exits): the benchmark reads these files.
    const std::string dir = std::string(MD_BINARY_DIR) + "/test-tmp/bench-loras";
    std::filesystem::create_directories(dir);

    torch::manual_seed(0);
    const auto sample = torch::randn({2, model.latentChannels(), 32, 32});
    const auto timestep = torch::full({2}, 500.0f);
    PromptEncoder prompts(model);
    const auto context = prompts.encode("a red house").context.expand({2, -1, -1});
    const auto plain = model.unet(sample, timestep, context);
    uint64_t seed = 1;
    for (const char* name : {"a", "b", "c"}) {
        test::TestLoraOptions options;
        options.rank = 8;
        options.alpha = 8.0f;
        options.seed = seed++;
        const std::string path = dir + "/" + name + ".safetensors";
        auto written = test::writeTestLora(path, test::loraTargetsOf(model), options);
        ASSERT_TRUE(written) << written.error();
        auto file = readLoraFor(model, path);
        ASSERT_TRUE(file) << file.error();
        EXPECT_TRUE(file->unknownKeys().empty()) << file->unknownKeysNote();
        ASSERT_TRUE(attachLora(model, file.value(), 0));
        const auto disabled = model.unet(sample, timestep, context);
        torch::Tensor enabled;
        {
            nn::AdapterScales scales({1.0f});
            enabled = model.unet(sample, timestep, context);
        }
        detachLoras(model);
        EXPECT_TRUE(torch::equal(disabled, plain)) << name;
        EXPECT_GT(test::maxAbsDiff(enabled, plain), 1e-3) << name;
    }
}

} // namespace
} // namespace md

// LoRAs on the command line (issue 14), run as a user would: --lora-dir for generate and
// batch, a batch that stops before rendering when a LoRA file is missing (naming it, the
// folders searched and the hash the project recorded), and `mdstudio-cli loras DIR`.

#include "CliRun.h"
#include "TestConfig.h"
#include "document/LoraHash.h"
#include "document/ProjectFile.h"
#include "engine/common/KohyaLoraStub.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

namespace fs = std::filesystem;

using test::CliRun;
using test::modelDir;
using test::runCli;

class LoraCli : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::string(MD_BINARY_DIR) + "/test-tmp/cli-lora/" + info->name();
        fs::remove_all(m_dir);
        fs::create_directories(m_dir + "/loras");
        fs::create_directories(m_dir + "/empty");
    }

    std::string path(const std::string& name) const { return m_dir + "/" + name; }

    // 64x64, "a harbour <lora:style:0.6>", one result made with style (hash recorded).
    std::string writeProject()
    {
        Project p;
        p.width = 64;
        p.height = 64;
        p.model.path = modelDir();
        p.prompt = "a harbour <lora:style:0.6>";
        p.settings.steps = 2;
        p.settings.seed = 3;
        ProjectResult r;
        r.id = 1;
        r.image.width = 64;
        r.image.height = 64;
        r.image.pixels.assign(64 * 64 * 3, 90);
        r.prompt = p.prompt;
        r.settings = p.settings;
        r.seed = 3;
        r.loras = {{"style", 0.6f, 0.6f, "0123456789abcdef"}};
        p.results.push_back(r);
        EXPECT_TRUE(saveProject(p, path("harbour.mdsp")).isOk());
        return path("harbour.mdsp");
    }

    std::string m_dir;
};

TEST_F(LoraCli, BatchStopsBeforeRenderingWhenALoraIsMissing)
{
    const std::string project = writeProject();
    CliRun run = runCli({"batch", project, "--lora-dir", path("empty"), "--lora-dir", path("loras"),
                         "--out", path("out"), "--quiet"});
    EXPECT_EQ(run.code, 1) << run.output;
    EXPECT_NE(run.output.find("the LoRA \"style\" is missing: no style.safetensors in " +
                              path("empty") + ", " + path("loras")),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("hash 0123456789ab"), std::string::npos) << run.output;
    EXPECT_FALSE(fs::exists(path("out/harbour-3.png")));

    CliRun none = runCli({"batch", project, "--out", path("out"), "--quiet"});
    EXPECT_EQ(none.code, 1) << none.output;
    EXPECT_NE(none.output.find("no LoRA folder is set"), std::string::npos) << none.output;
}

TEST_F(LoraCli, BatchWarnsWhenTheFileChangedSinceTheProject)
{
    if (!fs::exists(modelDir()))
        GTEST_SKIP() << "fixture model missing: " << modelDir();
    const std::string project = writeProject();
    ASSERT_TRUE(test::writeKohyaLoraStub(path("loras/style.safetensors"), 768,
                                         {{"1_x", {{"harbour", 3}}}}));
    // The warning comes before the model loads; whether the tiny fixture model then applies
    // this LoRA (made for SD 1.x's widths) is the engine's business, not checked here.
    CliRun run = runCli({"batch", project, "--lora-dir", path("loras"), "--out", path("out")});
    EXPECT_NE(run.output.find("warning: the LoRA \"style\" (" + path("loras/style.safetensors") +
                              ") has the hash "),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("not the 0123456789ab the project was made with"), std::string::npos)
        << run.output;
}

TEST_F(LoraCli, GenerateRefusesAMissingLoraAndAFolderThatIsNot)
{
    CliRun missing = runCli({"generate", "--prompt", "a cat <lora:ghost:0.5>", "--lora-dir",
                             path("loras"), "--out", path("x.png"), "--quiet"});
    EXPECT_EQ(missing.code, 1) << missing.output;
    EXPECT_NE(missing.output.find("the LoRA \"ghost\" is missing: no ghost.safetensors in " +
                                  path("loras")),
              std::string::npos)
        << missing.output;
    EXPECT_FALSE(fs::exists(path("x.png")));

    CliRun notFolder = runCli(
        {"generate", "--prompt", "x", "--lora-dir", path("nowhere"), "--out", path("x.png")});
    EXPECT_EQ(notFolder.code, 2) << notFolder.output;
    EXPECT_NE(
        notFolder.output.find("--lora-dir " + path("nowhere") + " is not a folder (it is missing)"),
        std::string::npos)
        << notFolder.output;
}

TEST_F(LoraCli, LorasListsAFolderWithFamiliesHashesAndTriggerWords)
{
    ASSERT_TRUE(test::writeKohyaLoraStub(path("loras/pixel.safetensors"), 768,
                                         {{"10_px", {{"pixel art", 40}, {"8bit", 52}}}}));
    ASSERT_TRUE(test::writeKohyaLoraStub(path("loras/xl-grain.safetensors"), 2048,
                                         {{"5_g", {{"film grain", 3}}}}, 8));
    std::ofstream(path("loras/notes.safetensors")) << "not a LoRA";
    CliRun run = runCli({"loras", path("loras")});
    ASSERT_EQ(run.code, 0) << run.output;
    const std::string pixelHash =
        loraShortHash(loraFileHash(path("loras/pixel.safetensors")).value());
    const std::string grainHash =
        loraShortHash(loraFileHash(path("loras/xl-grain.safetensors")).value());
    EXPECT_NE(
        run.output.find("pixel                    SD 1.x   kohya                  rank 4    " +
                        pixelHash + " 8bit, pixel art"),
        std::string::npos)
        << run.output;
    EXPECT_NE(
        run.output.find("xl-grain                 SDXL     kohya                  rank 8    " +
                        grainHash + " film grain"),
        std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("skipped " + path("loras/notes.safetensors") + ": "),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("1 of 3 files are not LoRAs"), std::string::npos) << run.output;

    CliRun quick = runCli({"loras", "--no-hash", path("loras")});
    EXPECT_NE(quick.output.find("rank 4    -            8bit, pixel art"), std::string::npos)
        << quick.output;
    CliRun absent = runCli({"loras", path("nowhere")});
    EXPECT_EQ(absent.code, 1) << absent.output;
    EXPECT_NE(absent.output.find(path("nowhere") + " is not a folder"), std::string::npos)
        << absent.output;
}

} // namespace
} // namespace md

// `mdstudio-cli generate` with a real LoRA for the tiny SD 1.5 fixture (written with the
// engine tests' writeTestLora over the fixture's own modules): the image changes with it, and
// the PNG records it (A1111's "Lora hashes", the project's results[].loras); `loras` lists it.

#include "TestConfig.h"
#include "document/A1111Parameters.h"
#include "document/ImageIo.h"
#include "document/LoraHash.h"
#include "document/ProjectFile.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ModelLoraTargets.h"
#include "engine/common/TestLoraFile.h"
#include "engine/pipeline/StableDiffusionModel.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <sys/wait.h>

using namespace md;

namespace {

std::string quoted(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Exit status and stdout + stderr.
std::pair<int, std::string> cli(const std::vector<std::string>& args)
{
    std::string cmd = quoted(std::string(MD_BIN_DIR) + "/mdstudio-cli");
    for (const auto& a : args)
        cmd += " " + quoted(a);
    cmd += " 2>&1";
    std::string out;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr)
        return {-1, out};
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
        out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(CliLora, GenerateAppliesARegionLoraAndRecordsItsHash)
{
    const std::string model = test::fixturePath("tiny-sd15");
    if (!std::filesystem::exists(model))
        GTEST_SKIP() << "fixture model missing: " << model;
    const std::string dir = std::string(MD_BINARY_DIR) + "/test-tmp/cli-lora-generate";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir + "/loras");
    ModelOptions o;
    o.path = model;
    o.device = "cpu";
    o.dtype = "float32";
    auto loaded = StableDiffusionModel::load(o);
    ASSERT_TRUE(loaded.isOk()) << loaded.error();
    test::TestLoraOptions options;
    options.stddev = 0.5;
    options.metadata["ss_tag_frequency"] = R"({"10_red": {"red cat": 12}})";
    const std::string lora = dir + "/loras/redcat.safetensors";
    ASSERT_TRUE(test::writeTestLora(lora, test::loraTargetsOf(*loaded.value()), options).isOk());

    const std::vector<std::string> common{"generate", "--model",  model,     "--width", "64",
                                          "--height", "64",       "--steps", "2",       "--seed",
                                          "4",        "--prompt", "a cat"};
    auto args = [&](const std::string& box, const std::string& out) {
        std::vector<std::string> a = common;
        for (const std::string& s : {std::string("--box"), box, std::string("--lora-dir"),
                                     dir + "/loras", std::string("--out"), out})
            a.push_back(s);
        return a;
    };
    auto plain = cli(args("0,0,32,64=a red cat", dir + "/plain.png"));
    ASSERT_EQ(plain.first, 0) << plain.second;
    auto styled = cli(args("0,0,32,64=a red cat <lora:redcat:0.8>", dir + "/styled.png"));
    ASSERT_EQ(styled.first, 0) << styled.second;

    auto a = readRgbPng(dir + "/plain.png");
    auto b = readRgbPng(dir + "/styled.png");
    ASSERT_TRUE(a.isOk() && b.isOk());
    EXPECT_NE(a->pixels, b->pixels); // the LoRA acted

    const std::string shortHash = loraShortHash(loraFileHash(lora).value());
    auto chunks = readPngText(dir + "/styled.png");
    ASSERT_TRUE(chunks.isOk());
    const A1111Info info = parseA1111Parameters(findPngText(*chunks, "parameters")->text);
    ASSERT_NE(info.field("Lora hashes"), nullptr);
    EXPECT_EQ(*info.field("Lora hashes"), "redcat: " + shortHash);
    auto project = loadProject(dir + "/styled.png");
    ASSERT_TRUE(project.isOk()) << project.error();
    ASSERT_EQ(project->results.at(0).loras.size(), 1u);
    EXPECT_EQ(project->results[0].loras[0].name, "redcat");
    EXPECT_EQ(project->results[0].loras[0].unetWeight, 0.8f);
    EXPECT_EQ(project->results[0].loras[0].hash, loraFileHash(lora).value());

    auto listed = cli({"loras", dir + "/loras"});
    ASSERT_EQ(listed.first, 0) << listed.second;
    EXPECT_NE(listed.second.find("redcat"), std::string::npos) << listed.second;
    EXPECT_NE(listed.second.find("red cat"), std::string::npos) << listed.second;
    EXPECT_NE(listed.second.find(shortHash), std::string::npos) << listed.second;
}

} // namespace

// mdstudio-cli against the fixtures: the same ids as transformers for every tokenizer case,
// and the same image as diffusers for the fixture's txt2img case (folder and single file).

#include "TestConfig.h"
#include "document/ImageIo.h"
#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <torch/torch.h>

using namespace md;

namespace {

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

struct Run
{
    int code = -1;
    std::string out;
};

// Runs the CLI with `args` (each quoted for the shell); stdout captured, stderr to the log.
Run runCli(const std::vector<std::string>& args)
{
    std::string cmd = quote(std::string(MD_BIN_DIR) + "/mdstudio-cli");
    for (const auto& a : args)
        cmd += " " + quote(a);
    Run r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr)
        return r;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
        r.out.append(buf.data(), n);
    const int status = pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string jsonIds(const std::vector<int>& ids)
{
    std::string s = "[";
    for (size_t i = 0; i < ids.size(); ++i)
        s += (i ? ", " : "") + std::to_string(ids[i]);
    return s + "]\n";
}

torch::Tensor imageTensor(const RgbImage& image)
{
    auto t = torch::empty({image.height, image.width, 3}, torch::kUInt8);
    std::memcpy(t.data_ptr<std::uint8_t>(), image.pixels.data(), image.pixels.size());
    return t;
}

void generateAndCompare(const std::vector<std::string>& modelArgs, const std::string& sampler,
                        const std::string& label)
{
    std::ifstream in(test::fixturePath("tiny-sd15-cases.json"));
    const auto t = nlohmann::json::parse(in).at("txt2img");
    const std::string out = test::tempPath("cli-" + label + "-" + sampler + ".png");
    std::vector<std::string> args{"generate"};
    args.insert(args.end(), modelArgs.begin(), modelArgs.end());
    const std::vector<std::string> rest{"--prompt",   t.at("prompt").get<std::string>(),
                                        "--negative", t.at("negative_prompt").get<std::string>(),
                                        "--width",    std::to_string(t.at("width").get<int>()),
                                        "--height",   std::to_string(t.at("height").get<int>()),
                                        "--steps",    std::to_string(t.at("steps").get<int>()),
                                        "--cfg",      t.at("cfg").dump(),
                                        "--seed",     std::to_string(t.at("seed").get<int>()),
                                        "--sampler",  sampler,
                                        "--device",   "cpu",
                                        "--quiet",    "--out",
                                        out};
    args.insert(args.end(), rest.begin(), rest.end());
    const auto r = runCli(args);
    ASSERT_EQ(r.code, 0);
    auto image = readRgbPng(out);
    ASSERT_TRUE(image.isOk()) << image.error();
    const double psnr = test::psnrU8(imageTensor(image.value()),
                                     test::referenceTensor("t2i." + sampler + ".image"));
    std::printf("  cli generate (%s, %s): PSNR %.2f dB vs diffusers\n", label.c_str(),
                sampler.c_str(), psnr);
    EXPECT_GE(psnr, 40.0);
}

} // namespace

TEST(CliTokenize, EveryFixtureCaseMatchesTransformers)
{
    std::ifstream in(test::fixturePath("tiny-sd15-tokenizer-cases.json"));
    ASSERT_TRUE(in.good());
    const auto cases = nlohmann::json::parse(in);
    ASSERT_FALSE(cases.empty());
    for (const auto& c : cases) {
        const auto text = c.at("text").get<std::string>();
        const auto r = runCli({"tokenize", "--model", test::fixturePath("tiny-sd15"), "--", text});
        ASSERT_EQ(r.code, 0) << text;
        EXPECT_EQ(r.out, jsonIds(c.at("ids").get<std::vector<int>>())) << text;
    }
}

TEST(CliGenerate, FolderImageMatchesDiffusers)
{
    generateAndCompare({"--model", test::fixturePath("tiny-sd15")}, "dpmpp_2m_karras", "folder");
}

TEST(CliGenerate, SingleFileImageMatchesDiffusers)
{
    generateAndCompare({"--model", test::fixturePath("tiny-sd15.safetensors"), "--tokenizer",
                        test::fixturePath("tiny-sd15/tokenizer")},
                       "euler_a", "single-file");
}

// `mdstudio-cli info`'s lines (app/cli/InfoLines): the engine's description with the family,
// both text encoders and the VAE from ModelInfo, for SDXL and for SD 1.x (fake ModelInfo
// values: the lines do not depend on the weights).

#include "InfoLines.h"

#include <gtest/gtest.h>

namespace md::cli {
namespace {

std::vector<InfoLine> described(const std::string& family)
{
    return {{"path", "/models/m.safetensors"},
            {"layout", "single-file (LDM)"},
            {"architecture", family},
            {"prediction", "epsilon"},
            {"text encoder", "12 layers, width 768, 12 heads, quick_gelu, 77 positions"},
            {"vae scaling factor", "0.130250"},
            {"unet parameters", "2567463684 (2567.46 M)"},
            {"vae parameters", "83653863 (83.65 M)"},
            {"text encoder parameters", "123060480 (123.06 M)"}};
}

std::vector<std::string> labels(const std::vector<InfoLine>& lines)
{
    std::vector<std::string> out;
    for (const auto& l : lines)
        out.push_back(l.first);
    return out;
}

const std::string* value(const std::vector<InfoLine>& lines, const std::string& label)
{
    for (const auto& l : lines)
        if (l.first == label)
            return &l.second;
    return nullptr;
}

ModelInfo sdxlInfo(const std::string& encoders, const std::string& vae, std::int64_t encoder2)
{
    ModelInfo info;
    info.family = "SDXL";
    info.textEncoders = encoders;
    info.vae = vae;
    info.textEncoderParameters = 123060480;
    info.textEncoder2Parameters = encoder2;
    return info;
}

TEST(InfoLines, SdxlNamesBothEncodersAndTheVae)
{
    const ModelInfo info =
        sdxlInfo("CLIP-L (12 layers, 768) + OpenCLIP bigG (32 layers, 1280)",
                 "scale 8, scaling factor 0.13025, decoded in float32", 694659840);
    const auto lines = infoLines(info, described("SDXL"));
    EXPECT_EQ(labels(lines),
              (std::vector<std::string>{"path", "layout", "architecture", "text encoders", "vae",
                                        "prediction", "text encoder", "vae scaling factor",
                                        "unet parameters", "vae parameters",
                                        "text encoder parameters", "text encoder 2 parameters"}));
    EXPECT_EQ(*value(lines, "architecture"), "SDXL");
    EXPECT_EQ(*value(lines, "text encoders"), info.textEncoders);
    EXPECT_EQ(*value(lines, "vae"), info.vae);
    EXPECT_EQ(*value(lines, "text encoder 2 parameters"), "694659840 (694.66 M)");
}

TEST(InfoLines, Sd1KeepsItsLinesAndHasNoSecondEncoder)
{
    ModelInfo info;
    info.family = "SD 1.x";
    info.textEncoderParameters = 123060480;
    // Before the engine fills the descriptions: exactly the engine's lines.
    EXPECT_EQ(infoLines(info, described("SD 1.x")), described("SD 1.x"));
    info.textEncoders = "CLIP ViT-L (12 layers, 768)";
    info.vae = "scale 8, scaling factor 0.18215";
    const auto lines = infoLines(info, described("SD 1.x"));
    EXPECT_EQ(value(lines, "text encoder 2 parameters"), nullptr);
    EXPECT_EQ(*value(lines, "text encoders"), "CLIP ViT-L (12 layers, 768)");
    EXPECT_EQ(lines.size(), described("SD 1.x").size() + 2);
}

TEST(InfoLines, TheEnginesOwnLinesWin)
{
    const ModelInfo info = sdxlInfo("from ModelInfo", "from ModelInfo", 5);
    auto mine = described("SDXL");
    mine.emplace_back("text encoders", "from describe()");
    mine.emplace_back("vae", "from describe()");
    mine.emplace_back("text encoder 2 parameters", "5 (0.00 M)");
    EXPECT_EQ(infoLines(info, mine), mine); // nothing twice
    // No description at all (nothing loaded): the family lines alone, family first.
    const auto bare = infoLines(info, {});
    ASSERT_FALSE(bare.empty());
    EXPECT_EQ(bare.front(), (InfoLine{"family", "SDXL"}));
    EXPECT_NE(value(bare, "text encoder 2 parameters"), nullptr);
}

} // namespace
} // namespace md::cli

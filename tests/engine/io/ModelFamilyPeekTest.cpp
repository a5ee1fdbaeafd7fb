// peekModelFamily: the family from a single file's JSON header or a folder's configs, without
// loading weights; "" for what is not a readable model.

#include "engine/io/ModelFamilyPeek.h"

#include "engine/common/Fixtures.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>

namespace md {
namespace {

namespace fs = std::filesystem;

// A .safetensors file holding one F32 scalar per key (enough for the header rules).
std::string writeHeaderOnly(const std::string& name, const std::vector<std::string>& keys,
                            const std::string& metadata = "")
{
    std::string header = "{";
    if (!metadata.empty())
        header += "\"__metadata__\":" + metadata + ",";
    for (std::size_t i = 0; i < keys.size(); ++i)
        header += (i ? "," : "") + ("\"" + keys[i] + "\":{\"dtype\":\"F32\",\"shape\":[],") +
                  "\"data_offsets\":[" + std::to_string(4 * i) + "," + std::to_string(4 * i + 4) +
                  "]}";
    header += "}";
    const std::string path = test::tempPath(name);
    std::ofstream out(path, std::ios::binary);
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i)
        out.put(char((n >> (8 * i)) & 0xff));
    out << header << std::string(4 * keys.size(), '\0');
    return path;
}

TEST(ModelFamilyPeek, FixturesFoldersAndFiles)
{
    EXPECT_EQ(peekModelFamily(test::fixturePath("tiny-sd15")), "SD 1.x");
    EXPECT_EQ(peekModelFamily(test::fixturePath("tiny-sd15.safetensors")), "SD 1.x");
    EXPECT_EQ(peekModelFamily(test::fixturePath("sdxl/tiny-sdxl")), "SDXL");
    EXPECT_EQ(peekModelFamily(test::fixturePath("sdxl/tiny-sdxl.safetensors")), "SDXL");
}

TEST(ModelFamilyPeek, EmbeddedModelNamesItself)
{
    const std::string family = peekModelFamily(test::sourcePath("resources/models/mds-tiny"));
    EXPECT_NE(family.find("embedded"), std::string::npos) << family;
}

TEST(ModelFamilyPeek, SingleFileKeys)
{
    const std::string unet = "model.diffusion_model.out.0.weight";
    EXPECT_EQ(peekModelFamily(writeHeaderOnly("peek-sd2.safetensors",
                                              {unet, "cond_stage_model.model.ln_final.weight"})),
              "SD 2.x");
    EXPECT_EQ(peekModelFamily(writeHeaderOnly(
                  "peek-sd1.safetensors",
                  {unet, "cond_stage_model.transformer.text_model.final_layer_norm.weight"})),
              "SD 1.x");
    EXPECT_EQ(peekModelFamily(writeHeaderOnly(
                  "peek-sdxl.safetensors",
                  {unet, "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight",
                   "conditioner.embedders.1.model.ln_final.weight"})),
              "SDXL");
    // The SDXL refiner (OpenCLIP bigG alone) is not SDXL base, nor SD 1.x.
    EXPECT_EQ(
        peekModelFamily(writeHeaderOnly("peek-refiner.safetensors",
                                        {unet, "conditioner.embedders.0.model.ln_final.weight"})),
        "");
    // No UNet weights (a LoRA, a VAE): not a model to list.
    EXPECT_EQ(peekModelFamily(writeHeaderOnly("peek-vae.safetensors", {"decoder.conv_in.weight"})),
              "");
    const std::string embedded = peekModelFamily(
        writeHeaderOnly("peek-md.safetensors", {unet}, "{\"md_model\":\"mds-tiny\"}"));
    EXPECT_NE(embedded.find("embedded"), std::string::npos) << embedded;
}

TEST(ModelFamilyPeek, FolderConfigs)
{
    const fs::path dir = test::tempPath("peek-sd2-folder");
    fs::create_directories(dir / "text_encoder");
    std::ofstream(dir / "model_index.json") << R"({"_class_name": "StableDiffusionPipeline"})";
    std::ofstream(dir / "text_encoder/config.json")
        << R"({"hidden_act": "gelu", "hidden_size": 1024})";
    EXPECT_EQ(peekModelFamily(dir.string()), "SD 2.x");

    const fs::path xl = test::tempPath("peek-sdxl-folder");
    fs::create_directories(xl / "unet");
    std::ofstream(xl / "unet/config.json") << R"({"addition_embed_type": "text_time"})";
    EXPECT_EQ(peekModelFamily(xl.string()), "SDXL");
}

TEST(ModelFamilyPeek, UnreadableIsEmpty)
{
    EXPECT_EQ(peekModelFamily(""), "");
    EXPECT_EQ(peekModelFamily(test::tempPath("peek-absent.safetensors")), "");
    const std::string garbage = test::tempPath("peek-garbage.safetensors");
    std::ofstream(garbage, std::ios::binary) << "\xff\xff\xff\xff\xff\xff\xff\x7f{not json";
    EXPECT_EQ(peekModelFamily(garbage), "");
    const std::string truncated = test::tempPath("peek-truncated.safetensors");
    std::ofstream(truncated, std::ios::binary) << std::string("\x40\0\0\0\0\0\0\0{\"a\"", 12);
    EXPECT_EQ(peekModelFamily(truncated), "");
    const fs::path empty = test::tempPath("peek-empty-folder");
    fs::create_directories(empty);
    EXPECT_EQ(peekModelFamily(empty.string()), "");
}

} // namespace
} // namespace md

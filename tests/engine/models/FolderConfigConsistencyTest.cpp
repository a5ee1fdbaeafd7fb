// A diffusers folder whose config.json contradicts its weights is refused with a message that
// names the config file, the field, both values and the tensor that shows it.

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/models/ModelTestSupport.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace md {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Contradiction
{
    const char* file; // relative to the folder
    const char* key;
    json value;
    const char* field;    // what the message must name
    const char* evidence; // and the tensor(s) that show the real value
};

json readJson(const fs::path& path)
{
    std::ifstream in(path);
    return json::parse(in);
}

void writeJson(const fs::path& path, const json& j)
{
    std::ofstream out(path);
    out << j.dump(2);
}

TEST(FolderConfigConsistency, ContradictionsAreRefusedAndNamed)
{
    // sd1-small: unet [32, 32, 64, 64] x1, CrossAttn x3 + Down; vae [32, 32, 32, 32] x1;
    // CLIP 32 wide, 3 layers, 64 inner.
    const test::WrittenModel w = test::writeModel(test::sd1SmallSpec(), "-contradict");
    ASSERT_TRUE(loadCheckpoint(w.folder)) << "the unmodified folder must load";
    const Contradiction cases[] = {
        {"unet/config.json",
         "block_out_channels",
         {32, 64, 64, 64},
         "block_out_channels",
         "down_blocks.N.resnets.0.conv2.weight"},
        {"unet/config.json", "layers_per_block", 2, "layers_per_block", "down_blocks.0.resnets.N"},
        {"unet/config.json", "cross_attention_dim", 768, "cross_attention_dim",
         "attn2.to_k.weight"},
        {"unet/config.json", "use_linear_projection", true, "use_linear_projection",
         "proj_in.weight"},
        {"unet/config.json", "in_channels", 9, "in_channels", "conv_in.weight"},
        {"unet/config.json",
         "down_block_types",
         {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D", "DownBlock2D"},
         "cross-attention down blocks",
         "down_blocks.N.attentions"},
        {"vae/config.json", "latent_channels", 8, "latent_channels", "decoder.conv_in.weight"},
        {"vae/config.json",
         "block_out_channels",
         {32, 64, 64, 64},
         "block_out_channels",
         "encoder.down_blocks.N.resnets.0.conv2.weight"},
        {"vae/config.json", "layers_per_block", 2, "layers_per_block",
         "encoder.down_blocks.0.resnets.N"},
        {"text_encoder/config.json", "hidden_size", 64, "hidden_size", "token_embedding.weight"},
        {"text_encoder/config.json", "num_hidden_layers", 2, "num_hidden_layers",
         "text_model.encoder.layers.N"},
        {"text_encoder/config.json", "intermediate_size", 128, "intermediate_size",
         "mlp.fc1.weight"},
        {"text_encoder/config.json", "vocab_size", 49408, "vocab_size", "token_embedding.weight"},
    };
    for (const auto& c : cases) {
        const fs::path config = fs::path(w.folder) / c.file;
        const json original = readJson(config);
        json changed = original;
        changed[c.key] = c.value;
        writeJson(config, changed);
        auto ckpt = loadCheckpoint(w.folder);
        writeJson(config, original);
        ASSERT_FALSE(ckpt) << c.file << " " << c.key << " was accepted";
        const std::string& e = ckpt.error();
        EXPECT_NE(e.find(c.file), std::string::npos) << e;
        EXPECT_NE(e.find(c.field), std::string::npos) << e;
        EXPECT_NE(e.find(c.evidence), std::string::npos) << "names no tensor: " << e;
    }
}

TEST(FolderConfigConsistency, HeadCountsThatDoNotDivideAreRefused)
{
    const test::WrittenModel w = test::writeModel(test::sd1SmallSpec(), "-heads");
    const fs::path unet = fs::path(w.folder) / "unet/config.json";
    json j = readJson(unet);
    j["attention_head_dim"] = {8, 8, 7, 8};
    writeJson(unet, j);
    auto ckpt = loadCheckpoint(w.folder);
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("attention_head_dim"), std::string::npos) << ckpt.error();

    j["attention_head_dim"] = 8;
    writeJson(unet, j);
    const fs::path te = fs::path(w.folder) / "text_encoder/config.json";
    json t = readJson(te);
    t["num_attention_heads"] = 5;
    writeJson(te, t);
    ckpt = loadCheckpoint(w.folder);
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("num_attention_heads"), std::string::npos) << ckpt.error();
}

TEST(FolderConfigConsistency, SiblingConfigThatContradictsIsIgnoredNotTrusted)
{
    // A single file with a folder of a DIFFERENT model beside it: the folder's configs do not
    // match the weights, so the file keeps its detected architecture and says why.
    const test::WrittenModel w = test::writeModel(test::sd1SmallSpec(), "-wrongsibling");
    const test::WrittenModel other = test::writeModel(test::sd2TinySpec(), "-othersibling");
    fs::rename(other.folder, fs::path(w.singleDir) / "model");
    const Checkpoint single = test::loadOrThrow(w.singleFile);
    EXPECT_EQ(single.config.unet.blockOutChannels, w.model.spec.blockOutChannels);
    EXPECT_EQ(single.config.textEncoder.hiddenAct, "quick_gelu");
    EXPECT_EQ(single.config.scheduler.predictionType, "epsilon");
    bool said = false;
    for (const auto& note : single.notes)
        said = said || note.find("does not match") != std::string::npos;
    EXPECT_TRUE(said);
}

} // namespace
} // namespace md

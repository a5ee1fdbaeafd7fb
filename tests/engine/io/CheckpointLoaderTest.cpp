// The fixture model as a diffusers folder and as an F16 single-file LDM checkpoint: both must
// present the same tensors under the same names, and the same architecture.

#include "engine/io/CheckpointLoader.h"

#include "engine/common/Fixtures.h"
#include "engine/io/DiffusersConfig.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace md {
namespace {

namespace fs = std::filesystem;

Checkpoint load(const std::string& path, const CheckpointOptions& options = {})
{
    auto ckpt = loadCheckpoint(path, options);
    if (!ckpt)
        throw std::runtime_error(ckpt.error());
    return std::move(ckpt.value());
}

// A copy of the fixture folder made of symlinks, without `skip` (relative path).
std::string linkedFolderCopy(const std::string& name, const std::string& skip = "")
{
    const fs::path source = test::fixturePath("tiny-sd15");
    const fs::path target = test::tempPath(name);
    for (const auto& entry : fs::recursive_directory_iterator(source)) {
        const fs::path rel = fs::relative(entry.path(), source);
        if (!skip.empty() && (rel.string() == skip || rel.string().rfind(skip + "/", 0) == 0))
            continue;
        if (entry.is_directory())
            fs::create_directories(target / rel);
        else
            fs::create_symlink(entry.path(), target / rel);
    }
    return target.string();
}

void expectSameArchitecture(const ModelConfig& a, const ModelConfig& b)
{
    EXPECT_EQ(a.unet.blockOutChannels, b.unet.blockOutChannels);
    EXPECT_EQ(a.unet.layersPerBlock, b.unet.layersPerBlock);
    EXPECT_EQ(a.unet.numHeads, b.unet.numHeads);
    EXPECT_EQ(a.unet.crossAttentionDim, b.unet.crossAttentionDim);
    EXPECT_EQ(a.unet.useLinearProjection, b.unet.useLinearProjection);
    EXPECT_EQ(a.unet.downBlockHasAttention, b.unet.downBlockHasAttention);
    EXPECT_EQ(a.unet.upBlockHasAttention, b.unet.upBlockHasAttention);
    EXPECT_EQ(a.unet.midBlockHasAttention, b.unet.midBlockHasAttention);
    EXPECT_EQ(a.unet.inChannels, b.unet.inChannels);
    EXPECT_EQ(a.unet.outChannels, b.unet.outChannels);
    EXPECT_EQ(a.unet.transformerLayersPerBlock, b.unet.transformerLayersPerBlock);
    EXPECT_EQ(a.vae.blockOutChannels, b.vae.blockOutChannels);
    EXPECT_EQ(a.vae.latentChannels, b.vae.latentChannels);
    EXPECT_EQ(a.vae.layersPerBlock, b.vae.layersPerBlock);
    EXPECT_EQ(a.vae.midBlockAddAttention, b.vae.midBlockAddAttention);
    EXPECT_EQ(a.textEncoder.hiddenSize, b.textEncoder.hiddenSize);
    EXPECT_EQ(a.textEncoder.numHiddenLayers, b.textEncoder.numHiddenLayers);
    EXPECT_EQ(a.textEncoder.numAttentionHeads, b.textEncoder.numAttentionHeads);
    EXPECT_EQ(a.textEncoder.intermediateSize, b.textEncoder.intermediateSize);
    EXPECT_EQ(a.textEncoder.vocabSize, b.textEncoder.vocabSize);
    EXPECT_EQ(a.textEncoder.maxPositionEmbeddings, b.textEncoder.maxPositionEmbeddings);
    EXPECT_EQ(a.textEncoder.hiddenAct, b.textEncoder.hiddenAct);
    EXPECT_EQ(a.textEncoder.eosTokenId, b.textEncoder.eosTokenId);
    EXPECT_EQ(a.family, b.family);
    EXPECT_EQ(a.scheduler.predictionType, b.scheduler.predictionType);
}

TEST(CheckpointLoader, FolderConfigsComeFromItsJsonFiles)
{
    const std::string dir = test::fixturePath("tiny-sd15");
    Checkpoint ckpt = load(dir);
    EXPECT_EQ(ckpt.layout, "diffusers folder");
    EXPECT_EQ(ckpt.storedDtype, "F32");
    EXPECT_EQ(ckpt.config.family, ModelFamily::SD1);

    // Compare with the JSON files read independently of the loader.
    auto unetJson = readJsonFile(dir + "/unet/config.json").value();
    auto vaeJson = readJsonFile(dir + "/vae/config.json").value();
    auto teJson = readJsonFile(dir + "/text_encoder/config.json").value();
    EXPECT_EQ(ckpt.config.unet.blockOutChannels,
              unetJson["block_out_channels"].get<std::vector<int>>());
    EXPECT_EQ(ckpt.config.unet.crossAttentionDim, unetJson["cross_attention_dim"].get<int>());
    EXPECT_EQ(ckpt.config.unet.numHeads,
              std::vector<int>(4, unetJson["attention_head_dim"].get<int>()));
    EXPECT_EQ(ckpt.config.vae.blockOutChannels,
              vaeJson["block_out_channels"].get<std::vector<int>>());
    EXPECT_EQ(ckpt.config.textEncoder.numAttentionHeads, teJson["num_attention_heads"].get<int>());
    EXPECT_EQ(ckpt.config.textEncoder.numHiddenLayers, teJson["num_hidden_layers"].get<int>());
    EXPECT_EQ(ckpt.config.textEncoder.hiddenAct, "quick_gelu");
    // transformers' legacy eos_token_id 2 pools at argmax(ids) = <|endoftext|> = vocab - 1.
    EXPECT_EQ(ckpt.config.textEncoder.eosTokenId, teJson["vocab_size"].get<int>() - 1);
    EXPECT_EQ(ckpt.config.scheduler.predictionType, "epsilon");
    EXPECT_EQ(ckpt.config.scheduler.stepsOffset, 1);

    EXPECT_EQ(ckpt.tokenizer.kind, TokenizerFiles::Kind::ClipBpe);
    EXPECT_EQ(ckpt.tokenizer.vocabJson, dir + "/tokenizer/vocab.json");
    EXPECT_FALSE(ckpt.tokenizer.specialTokensMap.empty());
    EXPECT_TRUE(ckpt.textEncoder.contains("text_model.embeddings.token_embedding.weight"));
    EXPECT_TRUE(ckpt.vae.contains("encoder.mid_block.attentions.0.to_q.weight"));
    EXPECT_EQ(ckpt.vae.shape("encoder.mid_block.attentions.0.to_q.weight").size(), 2u);
}

TEST(CheckpointLoader, SingleFileMatchesFolderNamesAndValues)
{
    Checkpoint folder = load(test::fixturePath("tiny-sd15"));
    Checkpoint single = load(test::fixturePath("tiny-sd15.safetensors"));
    EXPECT_EQ(single.layout, "single-file (LDM)");
    EXPECT_EQ(single.storedDtype, "F16");
    for (auto [a, b] : {std::pair<const WeightSet*, const WeightSet*>{&folder.unet, &single.unet},
                        {&folder.vae, &single.vae},
                        {&folder.textEncoder, &single.textEncoder}}) {
        ASSERT_EQ(a->names(), b->names()) << a->component();
        EXPECT_GT(a->size(), 10u);
        for (const auto& name : a->names()) {
            ASSERT_EQ(a->shape(name), b->shape(name)) << a->component() << " " << name;
            auto x = a->load(name, torch::kFloat);
            auto y = b->load(name, torch::kFloat);
            ASSERT_TRUE(x && y) << name;
            // The fixture's weights are exactly representable in fp16.
            ASSERT_TRUE(torch::equal(x.value(), y.value()))
                << a->component() << " " << name << " from " << b->describe(name);
        }
    }
    EXPECT_EQ(single.unet.describe("conv_in.weight"),
              "tiny-sd15.safetensors: model.diffusion_model.input_blocks.0.0.weight (as "
              "conv_in.weight)");
    EXPECT_EQ(folder.unet.parameterCount(), single.unet.parameterCount());
    // Its tokenizer lives in the folder named after the file.
    EXPECT_EQ(single.tokenizer.kind, TokenizerFiles::Kind::ClipBpe);
}

TEST(CheckpointLoader, SingleFileArchitectureMatchesFolder)
{
    Checkpoint folder = load(test::fixturePath("tiny-sd15"));
    Checkpoint single = load(test::fixturePath("tiny-sd15.safetensors"));
    expectSameArchitecture(folder.config, single.config);
}

TEST(CheckpointLoader, SingleFileArchitectureFromShapesAlone)
{
    Checkpoint folder = load(test::fixturePath("tiny-sd15"));
    CheckpointOptions options;
    options.useSiblingConfigs = false;
    Checkpoint single = load(test::fixturePath("tiny-sd15.safetensors"), options);
    expectSameArchitecture(folder.config, single.config);
    // The text encoder's head count is a documented guess for a width this small.
    bool flagged = false;
    for (const auto& note : single.notes)
        flagged = flagged || note.find("guessed 4 heads") != std::string::npos;
    EXPECT_TRUE(flagged);

    options.textEncoderHeads = 2;
    options.unetHeads = std::vector<int>{4};
    Checkpoint overridden = load(test::fixturePath("tiny-sd15.safetensors"), options);
    EXPECT_EQ(overridden.config.textEncoder.numAttentionHeads, 2);
    EXPECT_EQ(overridden.config.unet.numHeads, std::vector<int>(4, 4));
    options.textEncoderHeads = 5; // does not divide 32
    EXPECT_FALSE(loadCheckpoint(test::fixturePath("tiny-sd15.safetensors"), options));
}

TEST(CheckpointLoader, SingleFileAloneHasNoTokenizerAndSaysWhatToDo)
{
    const std::string dir = test::tempPath("lonely");
    fs::create_directories(dir);
    fs::create_symlink(test::fixturePath("tiny-sd15.safetensors"), dir + "/model.safetensors");
    Checkpoint ckpt = load(dir + "/model.safetensors");
    EXPECT_EQ(ckpt.tokenizer.kind, TokenizerFiles::Kind::None);
    EXPECT_NE(ckpt.tokenizerMessage.find("--tokenizer DIR"), std::string::npos);

    CheckpointOptions options;
    options.tokenizerDir = test::fixturePath("tiny-sd15/tokenizer");
    Checkpoint withTokenizer = load(dir + "/model.safetensors", options);
    EXPECT_EQ(withTokenizer.tokenizer.kind, TokenizerFiles::Kind::ClipBpe);
    // The tokenizer's folder belongs to a diffusers folder whose configs match: heads are
    // read from it rather than guessed.
    EXPECT_EQ(withTokenizer.config.textEncoder.numAttentionHeads, 4);
}

TEST(CheckpointLoader, RefusesPickleFiles)
{
    for (const char* name : {"model.ckpt", "model.pt", "model.PTH", "pytorch_model.bin"}) {
        const std::string path = test::tempPath(name);
        std::ofstream(path) << "not really a pickle";
        auto ckpt = loadCheckpoint(path);
        ASSERT_FALSE(ckpt) << name;
        EXPECT_NE(ckpt.error().find("arbitrary code"), std::string::npos) << ckpt.error();
        EXPECT_NE(ckpt.error().find(".safetensors"), std::string::npos) << ckpt.error();
    }
    // A torch.save zip renamed to .safetensors is refused for the same reason.
    const std::string zip = test::tempPath("renamed.safetensors");
    std::ofstream(zip, std::ios::binary) << "PK\x03\x04 zip archive";
    auto ckpt = loadCheckpoint(zip);
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("arbitrary code"), std::string::npos) << ckpt.error();
}

TEST(CheckpointLoader, FolderMissingPiecesAreNamed)
{
    for (const char* piece : {"vae/config.json", "unet/diffusion_pytorch_model.safetensors",
                              "text_encoder", "model_index.json"}) {
        std::string dir = linkedFolderCopy("missing", piece);
        if (std::string(piece) == "model_index.json") {
            // Still readable (unet/ is there), with a note.
            Checkpoint ckpt = load(dir);
            EXPECT_FALSE(ckpt.notes.empty());
            continue;
        }
        auto ckpt = loadCheckpoint(dir);
        ASSERT_FALSE(ckpt) << piece;
        const std::string component = std::string(piece).substr(0, std::string(piece).find('/'));
        EXPECT_NE(ckpt.error().find(component), std::string::npos) << ckpt.error();
    }
    auto ckpt = loadCheckpoint(linkedFolderCopy("missing", "vae/config.json"));
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("vae/config.json is missing"), std::string::npos) << ckpt.error();
    auto empty = loadCheckpoint(test::tempPath("not-a-model"));
    EXPECT_FALSE(empty);
}

TEST(CheckpointLoader, FolderConfigThatContradictsTheWeightsIsRejected)
{
    std::string dir = linkedFolderCopy("wrongshape", "unet/config.json");
    auto json = readJsonFile(test::fixturePath("tiny-sd15/unet/config.json")).value();
    json["block_out_channels"] = {32, 64, 64, 128};
    std::ofstream(dir + "/unet/config.json") << json.dump();
    auto ckpt = loadCheckpoint(dir);
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("block_out_channels [32, 64, 64, 128] but the weights have "
                                "[32, 64, 64, 64]"),
              std::string::npos)
        << ckpt.error();

    dir = linkedFolderCopy("wronglayers", "text_encoder/config.json");
    json = readJsonFile(test::fixturePath("tiny-sd15/text_encoder/config.json")).value();
    json["num_hidden_layers"] = 4;
    std::ofstream(dir + "/text_encoder/config.json") << json.dump();
    ckpt = loadCheckpoint(dir);
    ASSERT_FALSE(ckpt);
    EXPECT_NE(ckpt.error().find("num_hidden_layers 4 but the weights have 3"), std::string::npos)
        << ckpt.error();
}

TEST(CheckpointLoader, FindsTokenizerKinds)
{
    const std::string dir = test::tempPath("spm-tokenizer");
    fs::create_directories(dir + "/tokenizer");
    std::ofstream(dir + "/tokenizer/spiece.model") << "x";
    auto tok = findTokenizerFiles(dir); // a pipeline folder: looks in tokenizer/
    ASSERT_TRUE(tok) << tok.error();
    EXPECT_EQ(tok->kind, TokenizerFiles::Kind::SentencePiece);
    EXPECT_EQ(tok->sentencePieceModel, dir + "/tokenizer/spiece.model");

    const std::string half = test::tempPath("half-tokenizer");
    fs::create_directories(half);
    std::ofstream(half + "/vocab.json") << "{}";
    auto bad = findTokenizerFiles(half);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("merges.txt is missing"), std::string::npos) << bad.error();
}

} // namespace
} // namespace md

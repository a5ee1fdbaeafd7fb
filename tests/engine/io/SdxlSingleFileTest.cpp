// The fixture SDXL model as a single file in the SGM layout against its diffusers folder
// (read here straight from the folder's safetensors and config files): the same tensors under
// the same names, bit for bit, and the same architecture; and variants of the file (markers,
// bf16, CLIP-sized vocabularies, missing parts, damage) written from it.

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/DiffusersConfig.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <iostream>
#include <set>
#include <tuple>

namespace md {
namespace {

namespace fs = std::filesystem;
using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;

std::string sdxlFile()
{
    return test::fixturePath("sdxl/tiny-sdxl.safetensors");
}
std::string sdxlFolder(const std::string& relative = "")
{
    return test::fixturePath("sdxl/tiny-sdxl") + (relative.empty() ? "" : "/" + relative);
}

Checkpoint load(const std::string& path, const CheckpointOptions& options = {})
{
    auto ckpt = loadCheckpoint(path, options);
    if (!ckpt)
        throw std::runtime_error(ckpt.error());
    return std::move(ckpt.value());
}

// Every tensor of the fixture file as stored, for rewriting.
Tensors fixtureTensors()
{
    auto file = SafetensorsFile::open(sdxlFile());
    if (!file)
        throw std::runtime_error(file.error());
    Tensors out;
    for (const auto& t : (*file)->tensors())
        out.emplace_back(t.name, (*file)->load(t.name).value());
    return out;
}

// `tensors` written as <temp>/<dir>/<dir>.safetensors, alone in its folder.
std::string writeAlone(const std::string& dir, const Tensors& tensors,
                       std::optional<torch::Dtype> storeAs = std::nullopt)
{
    const std::string folder = test::tempPath(dir);
    fs::create_directories(folder);
    const std::string path = folder + "/" + dir + ".safetensors";
    if (Status s = writeSafetensors(path, tensors, {}, storeAs); !s)
        throw std::runtime_error(s.message());
    return path;
}

Tensors without(const Tensors& tensors, const std::string& prefix)
{
    Tensors out;
    for (const auto& [name, t] : tensors)
        if (name.rfind(prefix, 0) != 0)
            out.emplace_back(name, t);
    return out;
}

// The folder's tensors of one component as the folder loader presents them (VAE attention
// 1x1 convs as Linear weights), loaded as `dtype`.
std::map<std::string, torch::Tensor> folderTensors(const std::string& file, torch::Dtype dtype)
{
    auto st = SafetensorsFile::open(sdxlFolder(file));
    if (!st)
        throw std::runtime_error(st.error());
    std::map<std::string, torch::Tensor> out;
    for (const auto& t : (*st)->tensors()) {
        if (t.name.find("position_ids") != std::string::npos)
            continue;
        torch::Tensor v = (*st)->load(t.name, dtype).value();
        if (v.dim() == 4 && v.size(2) == 1 && v.size(3) == 1 &&
            t.name.find(".attentions.") != std::string::npos && file.rfind("vae/", 0) == 0)
            v = v.flatten(1);
        out.emplace(t.name, v);
    }
    return out;
}

void expectSameTensors(const WeightSet& set, const std::string& folderFile, torch::Dtype dtype)
{
    const auto folder = folderTensors(folderFile, dtype);
    std::set<std::string> expected, got;
    for (const auto& [name, t] : folder)
        expected.insert(name);
    for (const auto& name : set.names())
        got.insert(name);
    EXPECT_EQ(got, expected) << set.component();
    for (const auto& [name, t] : folder) {
        if (!set.contains(name))
            continue;
        auto loaded = set.load(name, dtype);
        ASSERT_TRUE(loaded) << loaded.error();
        ASSERT_EQ(loaded->sizes(), t.sizes()) << set.describe(name);
        EXPECT_TRUE(torch::equal(loaded.value(), t)) << set.describe(name);
    }
}

TEST(SdxlSingleFile, PresentsTheFoldersTensorsBitForBit)
{
    Checkpoint ckpt = load(sdxlFile());
    EXPECT_EQ(ckpt.layout, "single-file (SGM)");
    EXPECT_EQ(ckpt.storedDtype, "F16");
    for (torch::Dtype dtype : {torch::kFloat, torch::kHalf}) {
        expectSameTensors(ckpt.unet, "unet/diffusion_pytorch_model.safetensors", dtype);
        expectSameTensors(ckpt.vae, "vae/diffusion_pytorch_model.safetensors", dtype);
        expectSameTensors(ckpt.textEncoder, "text_encoder/model.safetensors", dtype);
        expectSameTensors(ckpt.textEncoder2, "text_encoder_2/model.safetensors", dtype);
    }
    EXPECT_EQ(ckpt.textEncoder2.shape("text_projection.weight"), (std::vector<int64_t>{32, 32}));
    EXPECT_TRUE(ckpt.unet.contains("add_embedding.linear_1.weight"));
    EXPECT_FALSE(ckpt.textEncoder.contains("text_projection.weight"));
}

template <typename T, typename Parse> T readFolderConfig(const std::string& relative, Parse parse)
{
    auto json = readJsonFile(sdxlFolder(relative));
    if (!json)
        throw std::runtime_error(json.error());
    auto c = parse(json.value(), relative);
    if (!c)
        throw std::runtime_error(c.error());
    return c.value();
}

// The fields that describe the architecture, as one printable tuple each.
auto unetFields(const UNetConfig& c)
{
    return std::make_tuple(c.inChannels, c.outChannels, c.blockOutChannels, c.downBlockHasAttention,
                           c.upBlockHasAttention, c.layersPerBlock, c.numHeads, c.crossAttentionDim,
                           c.useLinearProjection, c.upcastAttention, c.sampleSize,
                           c.transformerLayersPerBlock, c.midBlockHasAttention, c.additionEmbedType,
                           c.additionTimeEmbedDim, c.projectionClassEmbeddingsInputDim);
}
auto textEncoderFields(const TextEncoderConfig& c)
{
    return std::make_tuple(c.vocabSize, c.hiddenSize, c.intermediateSize, c.numHiddenLayers,
                           c.numAttentionHeads, c.maxPositionEmbeddings, c.hiddenAct, c.eosTokenId);
}

TEST(SdxlSingleFile, ConfigEqualsTheFoldersConfigs)
{
    Checkpoint ckpt = load(sdxlFile());
    const ModelConfig& c = ckpt.config;
    EXPECT_EQ(c.family, ModelFamily::SDXL);
    EXPECT_EQ(familyName(c.family), "SDXL");
    EXPECT_EQ(unetFields(c.unet),
              unetFields(readFolderConfig<UNetConfig>("unet/config.json", unetConfigFromJson)));
    const auto vae = readFolderConfig<VaeConfig>("vae/config.json", vaeConfigFromJson);
    EXPECT_EQ(c.vae.blockOutChannels, vae.blockOutChannels);
    EXPECT_DOUBLE_EQ(c.vae.scalingFactor, vae.scalingFactor);
    EXPECT_EQ(c.vae.forceUpcast, vae.forceUpcast);
    EXPECT_EQ(c.vae.sampleSize, vae.sampleSize);
    const auto te =
        readFolderConfig<TextEncoderConfig>("text_encoder/config.json", textEncoderConfigFromJson);
    EXPECT_EQ(textEncoderFields(c.textEncoder), textEncoderFields(te));
    ASSERT_TRUE(c.hasTextEncoder2);
    const auto te2 = readFolderConfig<TextEncoderConfig>("text_encoder_2/config.json",
                                                         textEncoderConfigFromJson);
    EXPECT_EQ(textEncoderFields(c.textEncoder2), textEncoderFields(te2));
    EXPECT_EQ(c.textEncoder2.projectionDim, te2.projectionDim);
    EXPECT_TRUE(c.textEncoder2.hasProjection);
    EXPECT_FALSE(c.textEncoder.hasProjection);
    const auto scheduler = readFolderConfig<SchedulerConfig>("scheduler/scheduler_config.json",
                                                             schedulerConfigFromJson);
    EXPECT_EQ(c.scheduler.predictionType, scheduler.predictionType);
    EXPECT_EQ(c.scheduler.timestepSpacing, scheduler.timestepSpacing);
    EXPECT_EQ(c.scheduler.stepsOffset, scheduler.stepsOffset);
    EXPECT_EQ(c.scheduler.betaSchedule, scheduler.betaSchedule);
    EXPECT_FALSE(c.scheduler.rescaleBetasZeroSnr);
    EXPECT_TRUE(c.forceZerosForEmptyPrompt);
    EXPECT_EQ(c.defaultClipSkip, 2);

    EXPECT_EQ(ckpt.tokenizer.kind, TokenizerFiles::Kind::ClipBpe);
    EXPECT_EQ(ckpt.tokenizer.directory, sdxlFolder("tokenizer"));
    EXPECT_EQ(ckpt.tokenizer2.kind, TokenizerFiles::Kind::ClipBpe);
    EXPECT_EQ(ckpt.tokenizer2.directory, sdxlFolder("tokenizer_2"));
    EXPECT_TRUE(ckpt.tokenizerMessage.empty()) << ckpt.tokenizerMessage;
    bool usedConfigs = false;
    for (const auto& n : ckpt.notes) {
        usedConfigs = usedConfigs || n.find("text_encoder_2/config.json") != std::string::npos;
        EXPECT_EQ(n.find("guessed"), std::string::npos) << n; // the configs replaced the guesses
    }
    EXPECT_TRUE(usedConfigs);
}

TEST(SdxlSingleFile, DetectsTheArchitectureFromTheTensorsAlone)
{
    CheckpointOptions options;
    options.useSiblingConfigs = false;
    Checkpoint ckpt = load(sdxlFile(), options);
    const ModelConfig& c = ckpt.config;
    EXPECT_EQ(c.family, ModelFamily::SDXL);
    const auto folder = readFolderConfig<UNetConfig>("unet/config.json", unetConfigFromJson);
    EXPECT_EQ(c.unet.blockOutChannels, folder.blockOutChannels);
    EXPECT_EQ(c.unet.downBlockHasAttention, folder.downBlockHasAttention);
    EXPECT_EQ(c.unet.upBlockHasAttention, folder.upBlockHasAttention);
    EXPECT_EQ(c.unet.transformerLayersPerBlock, (std::vector<int>{1, 2, 2}));
    EXPECT_TRUE(c.unet.useLinearProjection);
    EXPECT_FALSE(c.unet.upcastAttention);
    EXPECT_EQ(c.unet.crossAttentionDim, 64);
    EXPECT_EQ(c.unet.additionEmbedType, "text_time");
    EXPECT_EQ(c.unet.additionTimeEmbedDim, 8);
    EXPECT_EQ(c.unet.projectionClassEmbeddingsInputDim, 80);
    EXPECT_EQ(c.unet.sampleSize, 128);
    // head_dim 64 where the width allows it; the 32-wide level has no attention.
    EXPECT_EQ(c.unet.numHeads, (std::vector<int>{8, 1, 1}));
    EXPECT_DOUBLE_EQ(c.vae.scalingFactor, 0.13025);
    EXPECT_TRUE(c.vae.forceUpcast);
    EXPECT_EQ(c.vae.sampleSize, 1024);
    EXPECT_EQ(c.textEncoder.hiddenAct, "quick_gelu");
    EXPECT_EQ(c.textEncoder.numHiddenLayers, 3);
    EXPECT_EQ(c.textEncoder2.hiddenAct, "gelu");
    EXPECT_EQ(c.textEncoder2.numHiddenLayers, 3); // every resblock kept
    EXPECT_EQ(c.textEncoder2.intermediateSize, 80);
    EXPECT_EQ(c.textEncoder2.projectionDim, 32);
    EXPECT_EQ(c.textEncoder2.eosTokenId, 1101);
    EXPECT_EQ(c.scheduler.predictionType, "epsilon");
    EXPECT_EQ(c.scheduler.timestepSpacing, "leading");
    EXPECT_FALSE(c.scheduler.rescaleBetasZeroSnr);
    EXPECT_EQ(c.defaultClipSkip, 2);
    EXPECT_TRUE(c.forceZerosForEmptyPrompt);
    // Tokenizers are still found in the folder beside the file.
    EXPECT_EQ(ckpt.tokenizer2.directory, sdxlFolder("tokenizer_2"));
}

TEST(SdxlSingleFile, VPredMarkerMeansVPredictionOnTheZeroSnrSchedule)
{
    Tensors tensors = fixtureTensors();
    tensors.emplace_back("v_pred", torch::zeros({0}));
    Checkpoint ckpt = load(writeAlone("sdxl-vpred", tensors));
    EXPECT_EQ(ckpt.config.family, ModelFamily::SDXL);
    EXPECT_EQ(ckpt.config.scheduler.predictionType, "v_prediction");
    EXPECT_TRUE(ckpt.config.scheduler.rescaleBetasZeroSnr);
    bool noted = false;
    for (const auto& n : ckpt.notes)
        noted = noted || (n.find("v_pred") != std::string::npos &&
                          n.find("zero-terminal-SNR") != std::string::npos);
    EXPECT_TRUE(noted);

    tensors.emplace_back("ztsnr", torch::zeros({0}));
    Checkpoint both = load(writeAlone("sdxl-vpred-ztsnr", tensors));
    EXPECT_EQ(both.config.scheduler.predictionType, "v_prediction");
    EXPECT_TRUE(both.config.scheduler.rescaleBetasZeroSnr);

    Checkpoint plain = load(writeAlone("sdxl-plain", fixtureTensors()));
    EXPECT_EQ(plain.config.scheduler.predictionType, "epsilon");
    EXPECT_FALSE(plain.config.scheduler.rescaleBetasZeroSnr);
}

TEST(SdxlSingleFile, Bf16FileHoldsTheSameWeightsInBf16)
{
    Checkpoint bf16 = load(writeAlone("sdxl-bf16", fixtureTensors(), torch::kBFloat16));
    Checkpoint f16 = load(sdxlFile());
    EXPECT_EQ(bf16.storedDtype, "BF16");
    EXPECT_EQ(bf16.config.family, ModelFamily::SDXL);
    for (const auto& [a, b] :
         {std::pair{&bf16.unet, &f16.unet}, {&bf16.textEncoder2, &f16.textEncoder2}}) {
        EXPECT_EQ(a->names(), b->names());
        for (const auto& name : a->names())
            EXPECT_TRUE(torch::equal(a->load(name, torch::kBFloat16).value(),
                                     b->load(name, torch::kBFloat16).value()))
                << a->describe(name);
    }
}

TEST(SdxlSingleFile, TokenizersWithoutFiles)
{
    // The fixture's vocabulary is not CLIP's: no built-in tokenizer fits; the message names
    // both encoders' folders.
    Checkpoint tiny = load(writeAlone("sdxl-alone", fixtureTensors()));
    EXPECT_EQ(tiny.tokenizer.kind, TokenizerFiles::Kind::None);
    EXPECT_EQ(tiny.tokenizer2.kind, TokenizerFiles::Kind::None);
    EXPECT_NE(tiny.tokenizerMessage.find("tokenizer_2"), std::string::npos)
        << tiny.tokenizerMessage;
    EXPECT_NE(tiny.tokenizerMessage.find("--tokenizer"), std::string::npos);

    // CLIP's 49408 tokens: the built-in CLIP BPE, padded as each encoder was trained.
    Tensors tensors;
    for (auto& [name, t] : fixtureTensors())
        tensors.emplace_back(name, name.find("token_embedding") != std::string::npos
                                       ? torch::zeros({49408, t.size(1)}, t.options())
                                       : t);
    Checkpoint clip = load(writeAlone("sdxl-clip-vocab", tensors));
    EXPECT_EQ(clip.tokenizer.kind, TokenizerFiles::Kind::BuiltinClip);
    EXPECT_EQ(clip.tokenizer.builtinPadToken, "<|endoftext|>");
    EXPECT_EQ(clip.tokenizer2.kind, TokenizerFiles::Kind::BuiltinClip);
    EXPECT_EQ(clip.tokenizer2.builtinPadToken, "!");
    EXPECT_TRUE(clip.tokenizerMessage.empty()) << clip.tokenizerMessage;
    EXPECT_EQ(clip.config.textEncoder.eosTokenId, 49407);
    EXPECT_EQ(clip.config.textEncoder2.eosTokenId, 49407);

    // --tokenizer with the diffusers folder: both tokenizers from it.
    CheckpointOptions options;
    options.tokenizerDir = sdxlFolder();
    Checkpoint given = load(writeAlone("sdxl-given", fixtureTensors()), options);
    EXPECT_EQ(given.tokenizer.directory, sdxlFolder("tokenizer"));
    EXPECT_EQ(given.tokenizer2.directory, sdxlFolder("tokenizer_2"));
    options.tokenizerDir = sdxlFolder("tokenizer"); // its tokenizer_2/ sits beside it
    Checkpoint beside = load(writeAlone("sdxl-given-tokenizer", fixtureTensors()), options);
    EXPECT_EQ(beside.tokenizer.directory, sdxlFolder("tokenizer"));
    EXPECT_EQ(beside.tokenizer2.directory, sdxlFolder("tokenizer_2"));
}

TEST(SdxlSingleFile, RefusesIncompleteOrOtherSdxlVariants)
{
    const Tensors all = fixtureTensors();
    auto refused = [&](const std::string& dir, const Tensors& tensors) {
        auto r = loadCheckpoint(writeAlone(dir, tensors));
        EXPECT_FALSE(r) << dir;
        return r ? std::string() : r.error();
    };
    std::string e = refused("sdxl-no-clip", without(all, "conditioner.embedders.0."));
    EXPECT_NE(e.find("CLIP ViT-L"), std::string::npos) << e;
    EXPECT_NE(e.find("sdxl-no-clip.safetensors"), std::string::npos) << e;
    e = refused("sdxl-refiner-like", without(all, "conditioner.embedders.1."));
    EXPECT_NE(e.find("OpenCLIP ViT-bigG"), std::string::npos) << e;
    e = refused("sdxl-no-label-emb", without(all, "model.diffusion_model.label_emb."));
    EXPECT_NE(e.find("added conditioning"), std::string::npos) << e;
    e = refused("sdxl-no-projection",
                without(all, "conditioner.embedders.1.model.text_projection"));
    EXPECT_NE(e.find("text_projection"), std::string::npos) << e;
    e = refused("sdxl-shallow-mid",
                without(all, "model.diffusion_model.middle_block.1.transformer_blocks.1."));
    EXPECT_NE(e.find("the mid block has 1 transformer blocks but the last level has 2"),
              std::string::npos)
        << e;
}

// The bytes of `source` cut at `size` (or with one header byte replaced) in a folder of
// its own.
std::string damaged(const std::string& source, const std::string& name, size_t size,
                    std::optional<size_t> corruptAt)
{
    std::ifstream in(source, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (size < bytes.size())
        bytes.resize(size);
    if (corruptAt)
        bytes[*corruptAt] = '\x01';
    const std::string folder = test::tempPath("damaged-" + name);
    fs::create_directories(folder);
    const std::string path = folder + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

// The message with the file name and every number taken out.
std::string shape(std::string message, const std::string& name)
{
    for (size_t at; (at = message.find(name)) != std::string::npos;)
        message.replace(at, name.size(), "FILE");
    std::string out;
    for (char ch : message)
        if (!(ch >= '0' && ch <= '9'))
            out += ch;
    return out;
}

TEST(SdxlSingleFile, DamagedFilesGetTheSameMessagesAsSd15)
{
    const std::string sd15 = test::fixturePath("tiny-sd15.safetensors");
    const std::string sdxl = sdxlFile();
    const size_t sdxlSize = fs::file_size(sdxl), sd15Size = fs::file_size(sd15);
    struct Case
    {
        const char* what;
        size_t keep; // bytes kept from the end of the file (0: whole file)
        std::optional<size_t> corruptAt;
    };
    for (const Case& c :
         {Case{"truncated data", 4096, std::nullopt}, Case{"truncated header", 0, std::nullopt},
          Case{"corrupt header", 0, size_t(20)}}) {
        const bool headerCut = std::string(c.what) == "truncated header";
        auto a = loadCheckpoint(
            damaged(sdxl, "a.safetensors", headerCut ? 200 : sdxlSize - c.keep, c.corruptAt));
        auto b = loadCheckpoint(
            damaged(sd15, "a.safetensors", headerCut ? 200 : sd15Size - c.keep, c.corruptAt));
        ASSERT_FALSE(a) << c.what;
        ASSERT_FALSE(b) << c.what;
        EXPECT_EQ(shape(a.error(), "a.safetensors"), shape(b.error(), "a.safetensors"))
            << c.what << "\nSDXL:   " << a.error() << "\nSD 1.x: " << b.error();
        EXPECT_NE(a.error().find("a.safetensors"), std::string::npos) << a.error();
        std::cout << c.what << ": " << a.error() << "\n";
    }
}

} // namespace
} // namespace md

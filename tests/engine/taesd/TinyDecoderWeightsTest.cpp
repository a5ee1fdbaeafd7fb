// Reading tiny decoders from disk: madebyollin's single files and diffusers AutoencoderTiny
// folders map to the same module and decode the same; encoders, other layouts, corrupt files,
// disagreeing configs and another family's decoder are refused with messages that say so.

#include "engine/io/TinyDecoderWeights.h"

#include "engine/common/Fixtures.h"
#include "engine/io/SafetensorsWriter.h"
#include "engine/pipeline/TinyPreviewDecoder.h"
#include "engine/taesd/TinyDecoderFiles.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

TinyDecoderConfig narrowConfig()
{
    TinyDecoderConfig c; // TAESD's layout (8x, 3/3/3/1 blocks) at 8 channels: quick
    c.blockOutChannels = {8, 8, 8, 8};
    return c;
}

std::shared_ptr<TinyPreviewDecoder> loadOrFail(const std::string& path, int channels = 4)
{
    auto loaded = TinyPreviewDecoder::load(path, channels, 8, torch::kCPU, torch::kFloat32);
    EXPECT_TRUE(loaded) << loaded.error();
    return loaded ? loaded.value() : nullptr;
}

TEST(TinyDecoderWeights, BothFormsDecodeLikeTheModule)
{
    torch::NoGradGuard noGrad;
    auto source = test::randomTinyDecoder(narrowConfig(), 11);
    const std::string file = test::tempPath("taesd_decoder.safetensors");
    const std::string folder = test::tempPath("taesd-folder");
    test::writeTaesdFile(source, file);
    test::writeAutoencoderTinyFolder(source, folder);

    auto fromFile = readTinyDecoderWeights(file);
    ASSERT_TRUE(fromFile) << fromFile.error();
    EXPECT_EQ(fromFile->format, "TAESD decoder file");
    EXPECT_TRUE(fromFile->config == narrowConfig());
    EXPECT_EQ(fromFile->weights.entry("layers.0.weight")->key, "1.weight");
    EXPECT_EQ(fromFile->weights.entry("layers.17.conv.4.bias")->key, "18.conv.4.bias");
    auto fromFolder = readTinyDecoderWeights(folder);
    ASSERT_TRUE(fromFolder) << fromFolder.error();
    EXPECT_EQ(fromFolder->format, "diffusers AutoencoderTiny");
    EXPECT_EQ(fromFolder->weights.entry("layers.18.bias")->key, "decoder.layers.18.bias");
    EXPECT_FALSE(fromFolder->weights.contains("encoder.layers.0.weight"));
    EXPECT_EQ(fromFolder->weights.size(), fromFile->weights.size());

    const auto latents = torch::randn({1, 4, 5, 6}) * 2;
    const auto expected = (source->forward(latents).clamp(0, 1) * 2 - 1);
    for (const std::string& path : {file, folder}) {
        auto decoder = loadOrFail(path);
        ASSERT_TRUE(decoder);
        EXPECT_EQ(decoder->path(), path);
        auto image = decoder->decode(latents);
        EXPECT_EQ(image.sizes(), (std::vector<int64_t>{1, 3, 40, 48}));
        EXPECT_TRUE(torch::equal(image, expected)) << path;
        const RgbImage rgb = decoder->preview(latents);
        EXPECT_EQ(rgb.width, 48);
        EXPECT_EQ(rgb.height, 40);
    }
}

TEST(TinyDecoderWeights, ASingleFileWithDiffusersKeysIsRead)
{
    auto source = test::randomTinyDecoder(narrowConfig(), 12);
    const std::string folder = test::tempPath("taesd-keys");
    test::writeAutoencoderTinyFolder(source, folder);
    auto r = readTinyDecoderWeights(folder + "/diffusion_pytorch_model.safetensors");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->format, "diffusers AutoencoderTiny");
    EXPECT_TRUE(r->config == narrowConfig());
}

TEST(TinyDecoderWeights, AnEncoderIsRefused)
{
    const std::string path = test::tempPath("taesd_encoder.safetensors");
    ASSERT_TRUE(writeSafetensors(path, {{"0.weight", torch::zeros({64, 3, 3, 3})},
                                        {"0.bias", torch::zeros({64})},
                                        {"1.conv.0.weight", torch::zeros({64, 64, 3, 3})}}));
    auto r = readTinyDecoderWeights(path);
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error(), "holds a TAESD encoder")) << r.error();
    EXPECT_TRUE(contains(r.error(), "taesd_decoder.safetensors")) << r.error();
}

TEST(TinyDecoderWeights, OtherFilesAreRefused)
{
    const std::string vae = test::tempPath("vae.safetensors");
    ASSERT_TRUE(writeSafetensors(vae, {{"decoder.conv_in.weight", torch::zeros({8, 4, 3, 3})}}));
    auto r = readTinyDecoderWeights(vae);
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error(), "vae.safetensors is not a tiny (TAESD) decoder")) << r.error();

    const std::string corrupt = test::tempPath("corrupt.safetensors");
    std::ofstream(corrupt) << "this is not a safetensors file at all";
    auto c = readTinyDecoderWeights(corrupt);
    ASSERT_FALSE(c);
    EXPECT_TRUE(contains(c.error(), "corrupt.safetensors")) << c.error();

    auto missing = readTinyDecoderWeights(test::tempPath("nothing-here"));
    ASSERT_FALSE(missing);
    EXPECT_TRUE(contains(missing.error(), "no such file or folder")) << missing.error();

    const std::string empty = test::tempPath("empty-folder");
    std::filesystem::create_directories(empty);
    auto e = readTinyDecoderWeights(empty);
    ASSERT_FALSE(e);
    EXPECT_TRUE(contains(e.error(), "no diffusion_pytorch_model.safetensors")) << e.error();
}

TEST(TinyDecoderWeights, AConfigThatDisagreesWithTheTensorsIsRefused)
{
    auto source = test::randomTinyDecoder(narrowConfig(), 13);
    const std::string folder = test::tempPath("taesd-disagree");
    test::writeAutoencoderTinyFolder(source, folder);
    TinyDecoderConfig other = narrowConfig();
    other.numBlocks = {3, 3, 2, 1};
    std::ofstream(folder + "/config.json") << test::autoencoderTinyConfigJson(other);
    auto r = readTinyDecoderWeights(folder);
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error(), "do not match")) << r.error();

    std::ofstream(folder + "/config.json") << R"({"_class_name": "AutoencoderKL"})";
    auto kl = readTinyDecoderWeights(folder);
    ASSERT_FALSE(kl);
    EXPECT_TRUE(contains(kl.error(), "AutoencoderKL config")) << kl.error();
    std::ofstream(folder + "/config.json") << R"({"act_fn": "silu"})";
    auto silu = readTinyDecoderWeights(folder);
    ASSERT_FALSE(silu);
    EXPECT_TRUE(contains(silu.error(), "\"act_fn\"")) << silu.error();
}

TEST(TinyDecoderWeights, AnotherFamilysDecoderIsRefused)
{
    TinyDecoderConfig flux = narrowConfig();
    flux.latentChannels = 16; // TAEF1 / TAESD3
    auto source = test::randomTinyDecoder(flux, 14);
    const std::string file = test::tempPath("taef1_decoder.safetensors");
    test::writeTaesdFile(source, file);
    auto r = TinyPreviewDecoder::load(file, 4, 8, torch::kCPU, torch::kFloat32);
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error(), "decodes 16-channel latents but the model's have 4"))
        << r.error();

    TinyDecoderConfig twice = narrowConfig();
    twice.blockOutChannels = {8, 8};
    twice.numBlocks = {1, 1};
    auto small = test::randomTinyDecoder(twice, 15);
    const std::string smallFile = test::tempPath("small_decoder.safetensors");
    test::writeTaesdFile(small, smallFile);
    auto s = TinyPreviewDecoder::load(smallFile, 4, 8, torch::kCPU, torch::kFloat32);
    ASSERT_FALSE(s);
    EXPECT_TRUE(contains(s.error(), "upsamples 2x")) << s.error();
}

} // namespace
} // namespace md

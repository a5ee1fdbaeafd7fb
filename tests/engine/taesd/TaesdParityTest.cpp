// Parity with diffusers' AutoencoderTiny: seeded random decoders made by
// make_taesd_references.py (data/default/taesd_decoder.safetensors, madebyollin's form;
// data/small/, a diffusers save_pretrained folder), each also written here in the other
// form, decode the script's latents to its images within 1e-4 of their largest value.
// Skipped, saying so, until the data is there (the script runs on the GPU machine's CPU:
// python3 tests/engine/taesd/make_taesd_references.py --diffusers DIR --out
// tests/engine/taesd/data).

#include "engine/common/Fixtures.h"
#include "engine/common/ReferenceTensors.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/TinyDecoderWeights.h"
#include "engine/nn/ParameterInit.h"
#include "engine/nn/WeightLoading.h"
#include "engine/taesd/TinyDecoderFiles.h"

#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace md {
namespace {

const std::string kData = "tests/engine/taesd/data";

std::string dataPath(const std::string& name)
{
    return test::sourcePath(kData + "/" + name);
}

bool haveData()
{
    return std::filesystem::exists(dataPath("taesd-reference.safetensors"));
}

nn::TinyAutoencoderDecoder load(const std::string& path)
{
    auto weights = readTinyDecoderWeights(path);
    if (!weights)
        throw std::runtime_error(weights.error());
    nn::SkipParameterInit skip;
    nn::TinyAutoencoderDecoder decoder(weights->config);
    if (auto s = nn::loadWeights(*decoder, weights->weights, "preview decoder", torch::kFloat32);
        !s)
        throw std::runtime_error(s.message());
    return decoder;
}

// Decodes the reference latents of `config` with `decoder`, compares with diffusers' images.
void expectParity(nn::TinyAutoencoderDecoder& decoder, const std::string& config, int stride,
                  const std::string& form)
{
    auto refs = SafetensorsFile::open(dataPath("taesd-reference.safetensors"));
    ASSERT_TRUE(refs) << refs.error();
    torch::NoGradGuard noGrad;
    for (const std::string c : {"a", "b"}) {
        const std::string name = config + "." + c;
        auto latents = refs.value()->load(name + ".latents", torch::kFloat32);
        auto expected = refs.value()->load(name + ".image", torch::kFloat32);
        auto mean = refs.value()->load(name + ".mean", torch::kFloat32);
        ASSERT_TRUE(latents && expected && mean) << name;
        // diffusers' AutoencoderTiny.decode is 2 * DecoderTiny - 1, unclamped.
        auto image = decoder->forward(latents.value()) * 2 - 1;
        auto sampled = image.slice(2, 0, image.size(2), stride).slice(3, 0, image.size(3), stride);
        const double scale = expected.value().abs().max().item<double>();
        const double diff = test::maxAbsDiff(sampled, expected.value());
        std::printf("%s, %s: max |difference| %.3g (largest value %.3g)\n", form.c_str(),
                    name.c_str(), diff, scale);
        EXPECT_LE(diff, 1e-4 * scale) << form << " " << name << " (largest value " << scale << ")";
        EXPECT_LE(test::maxAbsDiff(image.mean({0, 2, 3}), mean.value()), 1e-4 * scale)
            << form << " " << name;
    }
}

TEST(TaesdParity, DefaultLayoutInBothForms)
{
    if (!haveData())
        GTEST_SKIP() << "no " << kData
                     << "/taesd-reference.safetensors: run make_taesd_references.py (see "
                        "its header) to compare with diffusers' AutoencoderTiny";
    auto file = load(dataPath("default/taesd_decoder.safetensors"));
    EXPECT_EQ(file->config().scaleFactor(), 8);
    expectParity(file, "default", 4, "madebyollin file");
    const std::string folder = test::tempPath("parity-default-folder");
    test::writeAutoencoderTinyFolder(file, folder);
    auto fromFolder = load(folder);
    expectParity(fromFolder, "default", 4, "diffusers folder");
}

TEST(TaesdParity, SmallConfigInBothForms)
{
    if (!haveData())
        GTEST_SKIP() << "no " << kData
                     << "/taesd-reference.safetensors: run make_taesd_references.py (see "
                        "its header) to compare with diffusers' AutoencoderTiny";
    auto folder = load(dataPath("small"));
    EXPECT_EQ(folder->config().scaleFactor(), 2);
    expectParity(folder, "small", 2, "diffusers folder");
    const std::string file = test::tempPath("parity-small-taesd_decoder.safetensors");
    test::writeTaesdFile(folder, file);
    auto fromFile = load(file);
    expectParity(fromFile, "small", 2, "madebyollin file");
}

} // namespace
} // namespace md

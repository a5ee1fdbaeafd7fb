// Memory before loading: the estimate from the tensor shapes, the refusal with its figures,
// /proc/meminfo parsing; and that loading an F16 file as float32 streams (no second copy of
// the file in the process). Also the built-in CLIP tokenizer of SD 1.x / 2.x single files
// with CLIP's vocabulary.

#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/MemoryEstimate.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace md {
namespace {

Checkpoint loadSdxl()
{
    auto ckpt = loadCheckpoint(test::fixturePath("sdxl/tiny-sdxl.safetensors"));
    if (!ckpt)
        throw std::runtime_error(ckpt.error());
    return std::move(ckpt.value());
}

int64_t parameters(const Checkpoint& c)
{
    return c.unet.parameterCount() + c.vae.parameterCount() + c.textEncoder.parameterCount() +
           c.textEncoder2.parameterCount();
}

TEST(LoadMemory, WeightsAreEveryTensorInTheWorkingDtype)
{
    const Checkpoint ckpt = loadSdxl();
    const MemoryEstimate f32 = estimateModelMemory(ckpt, torch::kFloat);
    const MemoryEstimate bf16 = estimateModelMemory(ckpt, torch::kBFloat16);
    EXPECT_EQ(f32.weightBytes, parameters(ckpt) * 4);
    EXPECT_EQ(bf16.weightBytes, parameters(ckpt) * 2);
    // A VAE kept in float32 while the rest runs in bfloat16.
    const MemoryEstimate mixed = estimateModelMemory(ckpt, torch::kBFloat16, torch::kFloat);
    EXPECT_EQ(mixed.weightBytes, parameters(ckpt) * 2 + ckpt.vae.parameterCount() * 2);
    EXPECT_EQ(mixed.vaeWorkBytes, f32.vaeWorkBytes);
    // float16 with the SDXL VAE's force_upcast: the VAE in float32.
    EXPECT_EQ(estimateModelMemory(ckpt, torch::kHalf).weightBytes,
              parameters(ckpt) * 2 + ckpt.vae.parameterCount() * 2);
    EXPECT_EQ(f32.family, "SDXL");
    EXPECT_EQ(f32.dtype, "float32");
    EXPECT_EQ(f32.nativeSize, 1024);
    EXPECT_GT(f32.workBytes(), 0);
    EXPECT_EQ(f32.totalBytes(), f32.weightBytes + f32.workBytes() + f32.runtimeBytes);
}

TEST(LoadMemory, SdxlBaseWorkingMemoryFollowsTheDocumentedRule)
{
    // SDXL base's configs (no weights needed for the working memory).
    Checkpoint c;
    c.config.family = ModelFamily::SDXL;
    c.config.unet.blockOutChannels = {320, 640, 1280};
    c.config.unet.downBlockHasAttention = {false, true, true};
    c.config.unet.layersPerBlock = 2;
    c.config.unet.sampleSize = 128;
    c.config.vae.forceUpcast = true;
    const MemoryEstimate e = estimateModelMemory(c, torch::kFloat);
    // VAE: 3 maps of 1024 x 1024 x 256 floats.
    EXPECT_EQ(e.vaeWorkBytes, int64_t(3) * 1024 * 1024 * 256 * 4);
    // UNet, batch 2: skips 3 x (128^2 x 320 + 64^2 x 640 + 32^2 x 1280), 8 x the largest map,
    // feed-forward 12 x 64^2 x 640.
    const int64_t l0 = 128 * 128 * 320, l1 = 64 * 64 * 640, l2 = 32 * 32 * 1280;
    EXPECT_EQ(e.unetWorkBytes, 2 * (3 * (l0 + l1 + l2) + 8 * l0 + 12 * l1) * int64_t(4));
    // float16 with force_upcast: the VAE still decodes in float32.
    EXPECT_EQ(estimateModelMemory(c, torch::kHalf).vaeWorkBytes, e.vaeWorkBytes);
    EXPECT_EQ(estimateModelMemory(c, torch::kBFloat16).vaeWorkBytes, e.vaeWorkBytes / 2);
}

TEST(LoadMemory, RefusesWithTheFiguresWhenItDoesNotFit)
{
    const Checkpoint ckpt = loadSdxl();
    const MemoryEstimate f32 = estimateModelMemory(ckpt, torch::kFloat);
    const MemoryEstimate bf16 = estimateModelMemory(ckpt, torch::kBFloat16);

    auto fits = estimateLoadMemory(ckpt, torch::kFloat, f32.totalBytes());
    ASSERT_TRUE(fits) << fits.error();
    EXPECT_EQ(fits->availableBytes, f32.totalBytes());

    const int64_t available = f32.totalBytes() - (int64_t(200) << 20);
    auto refused = estimateLoadMemory(ckpt, torch::kFloat, available);
    ASSERT_FALSE(refused);
    const std::string& m = refused.error();
    EXPECT_NE(m.find("this SDXL model needs about " + gibText(f32.totalBytes()) +
                     " of memory in float32"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find(gibText(available) + " are available"), std::string::npos) << m;
    EXPECT_NE(m.find("close other programs or load it in bfloat16 (--dtype bf16, about " +
                     gibText(bf16.totalBytes()) + ")"),
              std::string::npos)
        << m;

    auto refusedBf16 = estimateLoadMemory(ckpt, torch::kBFloat16, int64_t(1) << 20);
    ASSERT_FALSE(refusedBf16);
    EXPECT_NE(refusedBf16.error().find("in bfloat16"), std::string::npos) << refusedBf16.error();
    EXPECT_EQ(refusedBf16.error().find("--dtype bf16"), std::string::npos) << refusedBf16.error();
}

TEST(LoadMemory, ReadsMemAvailable)
{
    EXPECT_EQ(parseMemAvailable("MemTotal:       24000000 kB\nMemFree:         1000 kB\n"
                                "MemAvailable:    7444888 kB\nBuffers: 1 kB\n"),
              int64_t(7444888) * 1024);
    EXPECT_FALSE(parseMemAvailable("MemTotal: 5 kB\n"));
    auto now = availableMemoryBytes();
    ASSERT_TRUE(now.has_value()); // Linux: /proc/meminfo has the line
    EXPECT_GT(*now, 0);
    EXPECT_EQ(gibText(int64_t(10) << 30), "10.0 GiB");
}

int64_t statusKb(const std::string& key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0)
            return std::stoll(line.substr(key.size() + 1));
    return -1;
}

TEST(LoadMemory, F16ToFloat32LoadingHoldsNoSecondCopyOfTheFile)
{
    // 8 F16 tensors of 4 Mi elements: a 64 MiB file, 128 MiB once loaded as float32.
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (int i = 0; i < 8; ++i)
        tensors.emplace_back("t" + std::to_string(i),
                             torch::full({1024, 4096}, 0.5 + i, torch::kFloat16));
    const std::string path = test::tempPath("stream-f16.safetensors");
    ASSERT_TRUE(writeSafetensors(path, tensors));
    tensors.clear();
    auto file = SafetensorsFile::open(path);
    ASSERT_TRUE(file) << file.error();

    // Reset the peak resident size (VmHWM) to the current one.
    {
        std::ofstream clear("/proc/self/clear_refs");
        ASSERT_TRUE(clear << "5") << "cannot reset VmHWM";
    }
    const int64_t before = statusKb("VmRSS");
    std::vector<torch::Tensor> loaded;
    for (int i = 0; i < 8; ++i) {
        auto t = (*file)->load("t" + std::to_string(i), torch::kFloat);
        ASSERT_TRUE(t) << t.error();
        EXPECT_EQ(t->flatten()[12345].item<float>(), 0.5f + i);
        loaded.push_back(t.value());
    }
    const int64_t peakMiB = (statusKb("VmHWM") - before) / 1024;
    // 128 MiB of float32 tensors; the file's 64 MiB (or an F16 copy of each tensor kept
    // around) must not be resident on top. 24 MiB of slack for the allocator.
    std::cout << "peak growth loading 64 MiB F16 as float32: " << peakMiB << " MiB\n";
    EXPECT_LT(peakMiB, 128 + 24);
    EXPECT_GE(peakMiB, 120);
}

TEST(BuiltinClipTokenizer, Sd1AndSd2SingleFilesWithClipsVocabulary)
{
    for (bool sd2 : {false, true}) {
        test::SyntheticModelSpec spec = sd2 ? test::sd2TinySpec() : test::sd1SmallSpec();
        spec.vocabSize = 49408;
        const std::string dir = test::tempPath(sd2 ? "builtin-sd2" : "builtin-sd1");
        std::filesystem::create_directories(dir);
        const std::string path = dir + "/model.safetensors";
        test::writeLdmSingleFile(test::makeSyntheticModel(spec), path);
        auto ckpt = loadCheckpoint(path);
        ASSERT_TRUE(ckpt) << ckpt.error();
        EXPECT_EQ(ckpt->config.family, sd2 ? ModelFamily::SD2 : ModelFamily::SD1);
        EXPECT_EQ(ckpt->tokenizer.kind, TokenizerFiles::Kind::BuiltinClip);
        EXPECT_EQ(ckpt->tokenizer.builtinPadToken, sd2 ? "!" : "<|endoftext|>");
        EXPECT_TRUE(ckpt->tokenizerMessage.empty()) << ckpt->tokenizerMessage;

        // Another vocabulary: still asks for --tokenizer.
        spec.vocabSize = 1102;
        test::writeLdmSingleFile(test::makeSyntheticModel(spec), path);
        auto other = loadCheckpoint(path);
        ASSERT_TRUE(other) << other.error();
        EXPECT_EQ(other->tokenizer.kind, TokenizerFiles::Kind::None);
        EXPECT_NE(other->tokenizerMessage.find("--tokenizer DIR"), std::string::npos);
    }
}

} // namespace
} // namespace md

// Issue 17: NaN / Inf weights (UNet conv_in, the text embedding, VAE conv_out) loaded fine
// and wrote an all-black PNG with exit 0. The run checks the text encodings, the latents
// once per step and the decoded image, and stops with an error naming the stage.

#include "engine/Engine.h"
#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <torch/torch.h>
#include <vector>

using namespace md;

namespace {

namespace fs = std::filesystem;

const std::string& cleanFolder()
{
    static const std::string dir = [] {
        auto spec = test::sd1SmallSpec();
        spec.name = "corrupt-base";
        const std::string path = test::tempPath("corrupt-base");
        test::writeDiffusersFolder(test::makeSyntheticModel(spec), path);
        return path;
    }();
    return dir;
}

// A copy of the clean folder where `tensor` of `file` gets `value` at its first element
// (every element when `all`).
std::string poisoned(const std::string& name, const std::string& file, const std::string& tensor,
                     float value, bool all)
{
    const fs::path dir = test::tempPath("corrupt-" + name);
    fs::remove_all(dir);
    fs::copy(cleanFolder(), dir, fs::copy_options::recursive);
    const std::string path = (dir / file).string();
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    {
        auto opened = SafetensorsFile::open(path);
        EXPECT_TRUE(opened) << opened.error();
        if (!opened)
            return dir.string();
        bool found = false;
        for (const auto& t : (*opened)->tensors()) {
            torch::Tensor loaded = (*opened)->load(t.name).value();
            if (t.name == tensor) {
                found = true;
                if (all)
                    loaded.fill_(value);
                else
                    loaded.view(-1)[0] = value;
            }
            tensors.emplace_back(t.name, loaded);
        }
        EXPECT_TRUE(found) << tensor;
    }
    EXPECT_TRUE(writeSafetensors(path, tensors));
    return dir.string();
}

GenerateRequest request()
{
    GenerateRequest r;
    r.prompt = "a red cat";
    r.negative = "blurry";
    r.width = 64;
    r.height = 64;
    r.steps = 3;
    r.cfg = 5.0f;
    r.seed = 7;
    r.sampler = SamplerKind::Euler;
    return r;
}

std::string generateError(const std::string& dir)
{
    Engine engine;
    ModelOptions o;
    o.path = dir;
    o.device = "cpu";
    Status loaded = engine.load(o);
    EXPECT_TRUE(loaded.isOk()) << loaded.message(); // the weights load: the run must notice
    if (!loaded)
        return loaded.message();
    auto image = engine.generate(request());
    return image ? std::string() : image.error();
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(CorruptWeights, CleanModelGenerates)
{
    EXPECT_EQ(generateError(cleanFolder()), "");
}

TEST(CorruptWeights, NaNInTheUNetStopsAtTheFirstStep)
{
    const std::string message = generateError(poisoned(
        "unet-conv-in", "unet/diffusion_pytorch_model.safetensors", "conv_in.weight", kNaN, false));
    EXPECT_NE(message.find("the UNet produced non-finite values at step 1 of 3: the model's "
                           "weights may be corrupt"),
              std::string::npos)
        << message;
}

TEST(CorruptWeights, InfInTheTextEmbeddingStopsBeforeSampling)
{
    const std::string message =
        generateError(poisoned("text-embedding", "text_encoder/model.safetensors",
                               "text_model.embeddings.token_embedding.weight", kInf, true));
    EXPECT_NE(message.find("the text encoder produced non-finite values for prompt 1 of 1"),
              std::string::npos)
        << message;
}

TEST(CorruptWeights, NaNInTheVaeDecoderStopsAfterDecoding)
{
    const std::string message =
        generateError(poisoned("vae-conv-out", "vae/diffusion_pytorch_model.safetensors",
                               "decoder.conv_out.weight", kNaN, false));
    EXPECT_NE(message.find("the VAE decoder produced non-finite values: the model's weights may "
                           "be corrupt"),
              std::string::npos)
        << message;
}

} // namespace

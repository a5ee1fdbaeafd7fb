// Issue 17: hostile diffusers folders, made from a small synthetic model by editing one file,
// are refused by loadCheckpoint with a message naming the file and the key, before any
// module is built (a zero norm_num_groups once killed the process with SIGFPE, a huge
// sample_size overflowed the image size, an I16 tensor reached libtorch, model_index.json
// was hardly read).

#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/SafetensorsFile.h"
#include "engine/io/SafetensorsWriter.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

namespace md {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The unchanged synthetic folder, written once.
const std::string& baseFolder()
{
    static const std::string dir = [] {
        auto spec = test::sd1SmallSpec();
        spec.name = "bad-folder-base";
        // Per process: ctest runs these tests in parallel processes.
        const std::string path =
            test::tempPath("bad-folder-base-" + std::to_string(static_cast<long>(::getpid())));
        test::writeDiffusersFolder(test::makeSyntheticModel(spec), path);
        return path;
    }();
    return dir;
}

// A copy of the base folder named `name`, changed by `edit`.
std::string variant(const std::string& name, const std::function<void(const fs::path&)>& edit)
{
    const fs::path dir = test::tempPath("bad-folder-" + name);
    fs::remove_all(dir);
    fs::copy(baseFolder(), dir, fs::copy_options::recursive);
    edit(dir);
    return dir.string();
}

void editJson(const fs::path& path, const std::function<void(json&)>& edit)
{
    json j;
    {
        std::ifstream in(path);
        j = json::parse(in);
    }
    edit(j);
    std::ofstream(path) << j.dump(2);
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream(path) << text;
}

// The refusal of a folder where `file`'s `key` is set to `value` (raw JSON text).
std::string refusalWith(const std::string& name, const std::string& file, const std::string& key,
                        const std::string& value)
{
    const std::string dir = variant(name, [&](const fs::path& d) {
        editJson(d / file, [&](json& j) { j[key] = json::parse(value); });
    });
    auto ckpt = loadCheckpoint(dir);
    return ckpt ? std::string() : ckpt.error();
}

void expectRefusal(const std::string& message, const std::vector<std::string>& parts)
{
    EXPECT_FALSE(message.empty()) << "accepted";
    for (const auto& p : parts)
        EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' not in: " << message;
}

TEST(BadModelFolder, TheBaseFolderLoads)
{
    auto ckpt = loadCheckpoint(baseFolder());
    ASSERT_TRUE(ckpt) << ckpt.error();
}

TEST(BadModelFolder, NormGroupsOutOfRangeNameTheFileAndKey)
{
    for (const char* file : {"unet/config.json", "vae/config.json"}) {
        expectRefusal(refusalWith("groups0", file, "norm_num_groups", "0"),
                      {file, "\"norm_num_groups\" is 0", "between 1 and 1024"});
        expectRefusal(refusalWith("groups-neg", file, "norm_num_groups", "-4"),
                      {file, "\"norm_num_groups\" is -4"});
        expectRefusal(refusalWith("groups-5", file, "norm_num_groups", "5"),
                      {file, "\"norm_num_groups\" 5 does not divide"});
        expectRefusal(refusalWith("groups-huge", file, "norm_num_groups", "10000000000"),
                      {file, "\"norm_num_groups\" is 10000000000"});
    }
}

TEST(BadModelFolder, SampleSizeOutOfRange)
{
    expectRefusal(refusalWith("ss-huge", "unet/config.json", "sample_size", "1000000000"),
                  {"unet/config.json", "\"sample_size\" is 1000000000", "between 1 and 1024"});
    expectRefusal(refusalWith("ss-float", "unet/config.json", "sample_size", "1e9"),
                  {"unet/config.json", "\"sample_size\" should be an integer"});
    expectRefusal(refusalWith("ss-zero", "unet/config.json", "sample_size", "0"),
                  {"unet/config.json", "\"sample_size\" is 0"});
    expectRefusal(refusalWith("ss-wrap", "unet/config.json", "sample_size", "4294967360"),
                  {"unet/config.json", "\"sample_size\" is 4294967360"});
}

TEST(BadModelFolder, OtherSizesHeadsAndLayersOutOfRange)
{
    expectRefusal(refusalWith("heads0", "unet/config.json", "attention_head_dim", "0"),
                  {"unet/config.json", "\"attention_head_dim\" is 0"});
    expectRefusal(
        refusalWith("heads-neg", "unet/config.json", "attention_head_dim", "[-8, 8, 8, 8]"),
        {"unet/config.json", "\"attention_head_dim\" is -8"});
    expectRefusal(refusalWith("layers0", "unet/config.json", "layers_per_block", "0"),
                  {"unet/config.json", "\"layers_per_block\" is 0"});
    expectRefusal(refusalWith("blocks-many", "vae/config.json", "block_out_channels",
                              json(std::vector<int>(40, 32)).dump()),
                  {"vae/config.json", "block_out_channels (number of blocks)\" is 40"});
    expectRefusal(refusalWith("te-heads0", "text_encoder/config.json", "num_attention_heads", "0"),
                  {"text_encoder/config.json", "\"num_attention_heads\" is 0"});
    expectRefusal(
        refusalWith("te-layers", "text_encoder/config.json", "num_hidden_layers", "100000"),
        {"text_encoder/config.json", "\"num_hidden_layers\" is 100000"});
    expectRefusal(refusalWith("te-vocab", "text_encoder/config.json", "vocab_size", "-1"),
                  {"text_encoder/config.json", "\"vocab_size\" is -1"});
}

TEST(BadModelFolder, ValueRangesAreCheckedAtLoad)
{
    for (const char* f : {"0", "-0.18", "1e300"})
        expectRefusal(refusalWith("scaling", "vae/config.json", "scaling_factor", f),
                      {"scaling_factor"});
    expectRefusal(refusalWith("beta-end", "scheduler/scheduler_config.json", "beta_end", "2.0"),
                  {"scheduler/scheduler_config.json", "beta_end", "< 1"});
    const std::string swapped = variant("beta-swap", [](const fs::path& d) {
        editJson(d / "scheduler/scheduler_config.json", [](json& j) {
            j["beta_start"] = 0.02;
            j["beta_end"] = 0.001;
        });
    });
    auto ckpt = loadCheckpoint(swapped);
    ASSERT_FALSE(ckpt);
    expectRefusal(ckpt.error(), {"beta_start", "beta_start <= beta_end"});
    expectRefusal(refusalWith("timesteps", "scheduler/scheduler_config.json", "num_train_timesteps",
                              "1000000000"),
                  {"scheduler/scheduler_config.json", "\"num_train_timesteps\" is 1000000000"});
    expectRefusal(
        refusalWith("timesteps0", "scheduler/scheduler_config.json", "num_train_timesteps", "0"),
        {"scheduler/scheduler_config.json", "num_train_timesteps"});
}

TEST(BadModelFolder, IntegerWeightTensorIsRefusedByNameAndDtype)
{
    const std::string dir = variant("int16", [](const fs::path& d) {
        const std::string path = (d / "unet/diffusion_pytorch_model.safetensors").string();
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        {
            auto file = SafetensorsFile::open(path);
            ASSERT_TRUE(file) << file.error();
            for (const auto& t : (*file)->tensors()) {
                auto loaded = (*file)->load(t.name);
                ASSERT_TRUE(loaded) << loaded.error();
                tensors.emplace_back(t.name, t.name == "conv_in.weight"
                                                 ? loaded.value().to(torch::kShort)
                                                 : loaded.value());
            }
        }
        ASSERT_TRUE(writeSafetensors(path, tensors));
    });
    auto ckpt = loadCheckpoint(dir);
    ASSERT_FALSE(ckpt);
    expectRefusal(ckpt.error(), {"'conv_in.weight'", "is I16", "floating point"});
}

TEST(BadModelFolder, ModelIndexMustBeASupportedPipelineObject)
{
    const auto index = [](const std::string& name, const std::function<void(json&)>& edit) {
        const std::string dir =
            variant(name, [&](const fs::path& d) { editJson(d / "model_index.json", edit); });
        auto ckpt = loadCheckpoint(dir);
        return ckpt ? std::string() : ckpt.error();
    };
    const std::string array = variant("index-array", [](const fs::path& d) {
        writeText(d / "model_index.json", R"(["unet", "vae", "text_encoder"])");
    });
    auto ckpt = loadCheckpoint(array);
    ASSERT_FALSE(ckpt);
    expectRefusal(ckpt.error(), {"model_index.json", "not a JSON object"});

    for (const char* component : {"unet", "vae", "text_encoder"}) {
        expectRefusal(
            index(std::string("index-no-") + component, [&](json& j) { j.erase(component); }),
            {"model_index.json", std::string("\"") + component +
                                     "\" component is not "
                                     "listed"});
        expectRefusal(index(std::string("index-null-") + component,
                            [&](json& j) {
                                j[component] = {nullptr, nullptr};
                            }),
                      {std::string("\"") + component + "\" component is not listed"});
    }
    expectRefusal(index("index-flux", [](json& j) { j["_class_name"] = "FluxPipeline"; }),
                  {"model_index.json", "\"FluxPipeline\" is not supported",
                   "StableDiffusionPipeline, StableDiffusionXLPipeline"});
    expectRefusal(index("index-class-type", [](json& j) { j["_class_name"] = 3; }),
                  {"\"_class_name\" should be a string"});
    expectRefusal(index("index-unet-class",
                        [](json& j) {
                            j["unet"] = {"diffusers", "FluxTransformer2DModel"};
                        }),
                  {"\"unet\" is a FluxTransformer2DModel", "UNet2DConditionModel"});
    expectRefusal(index("index-entry-shape", [](json& j) { j["vae"] = "AutoencoderKL"; }),
                  {"\"vae\" should be a [library, class] pair"});
    expectRefusal(
        index("index-sdxl-no-te2", [](json& j) { j["_class_name"] = "StableDiffusionXLPipeline"; }),
        {"\"text_encoder_2\" component is not listed"});
}

} // namespace
} // namespace md

// The diffusers folder of a SyntheticModel: configs as diffusers / transformers write them.

#include "engine/common/Fixtures.h"
#include "engine/common/SyntheticModel.h"
#include "engine/io/SafetensorsWriter.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace md::test {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

void writeJson(const fs::path& path, const json& j)
{
    fs::create_directories(path.parent_path());
    std::ofstream out(path);
    out << j.dump(2) << "\n";
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

void writeWeights(const fs::path& path, const NamedTensors& tensors, torch::Dtype dtype)
{
    fs::create_directories(path.parent_path());
    if (Status s = writeSafetensors(path.string(), tensors, {{"format", "pt"}}, dtype); !s)
        throw std::runtime_error(s.message());
}

json unetConfig(const SyntheticModelSpec& s)
{
    json down = json::array(), up = json::array();
    for (bool a : s.downBlockHasAttention)
        down.push_back(a ? "CrossAttnDownBlock2D" : "DownBlock2D");
    for (auto it = s.downBlockHasAttention.rbegin(); it != s.downBlockHasAttention.rend(); ++it)
        up.push_back(*it ? "CrossAttnUpBlock2D" : "UpBlock2D");
    return {{"_class_name", "UNet2DConditionModel"},
            {"_diffusers_version", "0.40.0"},
            {"act_fn", "silu"},
            {"attention_head_dim", s.unetHeads},
            {"block_out_channels", s.blockOutChannels},
            {"center_input_sample", false},
            {"cross_attention_dim", s.textHiddenSize},
            {"down_block_types", down},
            {"downsample_padding", 1},
            {"flip_sin_to_cos", true},
            {"freq_shift", 0},
            {"in_channels", s.inChannels},
            {"layers_per_block", s.layersPerBlock},
            {"mid_block_scale_factor", 1},
            {"norm_eps", 1e-5},
            {"norm_num_groups", 32},
            {"num_attention_heads", nullptr},
            {"out_channels", s.outChannels},
            {"sample_size", s.sampleSize},
            {"up_block_types", up},
            {"upcast_attention", s.upcastAttention},
            {"use_linear_projection", s.useLinearProjection}};
}

json vaeConfig(const SyntheticModelSpec& s)
{
    json down = json::array(), up = json::array();
    for (size_t i = 0; i < s.vaeBlockOutChannels.size(); ++i) {
        down.push_back("DownEncoderBlock2D");
        up.push_back("UpDecoderBlock2D");
    }
    return {{"_class_name", "AutoencoderKL"},
            {"act_fn", "silu"},
            {"block_out_channels", s.vaeBlockOutChannels},
            {"down_block_types", down},
            {"in_channels", 3},
            {"latent_channels", s.latentChannels},
            {"layers_per_block", s.vaeLayersPerBlock},
            {"norm_num_groups", 32},
            {"out_channels", 3},
            {"sample_size", s.sampleSize * 8},
            {"scaling_factor", s.scalingFactor},
            {"up_block_types", up}};
}

json textEncoderConfig(const SyntheticModelSpec& s)
{
    return {{"architectures", {"CLIPTextModel"}},
            {"bos_token_id", 0},
            {"eos_token_id", 2},
            {"hidden_act", s.hiddenAct},
            {"hidden_size", s.textHiddenSize},
            {"intermediate_size", s.textIntermediateSize},
            {"layer_norm_eps", 1e-5},
            {"max_position_embeddings", 77},
            {"model_type", "clip_text_model"},
            {"num_attention_heads", s.textHeads},
            {"num_hidden_layers", s.textLayers},
            {"pad_token_id", 1},
            {"projection_dim", s.projectionDim},
            {"vocab_size", s.vocabSize}};
}

json schedulerConfig(const SyntheticModelSpec& s)
{
    return {{"_class_name", "DDIMScheduler"},
            {"beta_start", 0.00085},
            {"beta_end", 0.012},
            {"beta_schedule", "scaled_linear"},
            {"num_train_timesteps", 1000},
            {"set_alpha_to_one", false},
            {"steps_offset", 1},
            {"clip_sample", false},
            {"prediction_type", s.predictionType},
            {"timestep_spacing", "leading"}};
}

} // namespace

void writeDiffusersFolder(const SyntheticModel& model, const std::string& dirText)
{
    const SyntheticModelSpec& s = model.spec;
    const fs::path dir(dirText);
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    writeJson(dir / "model_index.json", {{"_class_name", "StableDiffusionPipeline"},
                                         {"scheduler", {"diffusers", "DDIMScheduler"}},
                                         {"text_encoder", {"transformers", "CLIPTextModel"}},
                                         {"tokenizer", {"transformers", "CLIPTokenizer"}},
                                         {"unet", {"diffusers", "UNet2DConditionModel"}},
                                         {"vae", {"diffusers", "AutoencoderKL"}}});
    writeJson(dir / "unet/config.json", unetConfig(s));
    writeJson(dir / "vae/config.json", vaeConfig(s));
    writeJson(dir / "text_encoder/config.json", textEncoderConfig(s));
    writeJson(dir / "scheduler/scheduler_config.json", schedulerConfig(s));
    writeWeights(dir / "unet/diffusion_pytorch_model.safetensors", model.unet, s.folderDtype);
    writeWeights(dir / "vae/diffusion_pytorch_model.safetensors", model.vae, s.folderDtype);
    writeWeights(dir / "text_encoder/model.safetensors", model.textEncoder, s.folderDtype);
    fs::create_directories(dir / "tokenizer");
    for (const auto& entry : fs::directory_iterator(fixturePath("tiny-sd15/tokenizer")))
        fs::copy_file(entry.path(), dir / "tokenizer" / entry.path().filename());
}

} // namespace md::test

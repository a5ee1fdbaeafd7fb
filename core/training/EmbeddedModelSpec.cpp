#include "training/EmbeddedModelSpec.h"

#include <filesystem>
#include <fstream>

namespace md {

namespace {

using json = nlohmann::json;

// Sentencepiece ids of the embedded tokenizer (spm_train --pad_id=0 --unk_id=1 --bos_id=2
// --eos_id=3). The EOS is deliberately not 2: transformers reads eos_token_id 2 as "pool
// at the highest id".
constexpr int kPadId = 0;
constexpr int kBosId = 2;
constexpr int kEosId = 3;

EmbeddedModelSpec base(const std::string& name)
{
    EmbeddedModelSpec s;
    s.name = name;
    ModelConfig& c = s.config;
    c.family = ModelFamily::Embedded;
    c.defaultClipSkip = 1;
    c.scheduler = SchedulerConfig{}; // SD: scaled_linear 0.00085..0.012, epsilon, leading
    c.textEncoder.vocabSize = 256;
    c.textEncoder.maxPositionEmbeddings = 77;
    c.textEncoder.hiddenAct = "gelu";
    c.textEncoder.eosTokenId = kEosId;
    c.textEncoder.hasProjection = false;
    c.unet.sampleSize = 64;
    c.unet.useLinearProjection = true;
    c.vae.sampleSize = 512;
    c.vae.latentChannels = 4;
    c.vae.scalingFactor = 1.0; // measured after the VAE is trained
    return s;
}

void setText(EmbeddedModelSpec& s, int hidden, int layers, int heads)
{
    auto& t = s.config.textEncoder;
    t.hiddenSize = hidden;
    t.intermediateSize = hidden * 4;
    t.numHiddenLayers = layers;
    t.numAttentionHeads = heads;
    t.projectionDim = hidden;
    s.config.unet.crossAttentionDim = hidden;
}

void setUNet(EmbeddedModelSpec& s, std::vector<int> channels, std::vector<bool> attention,
             int layers, int headDim, int groups)
{
    auto& u = s.config.unet;
    u.blockOutChannels = channels;
    u.downBlockHasAttention = attention;
    u.upBlockHasAttention.assign(attention.rbegin(), attention.rend());
    u.layersPerBlock = layers;
    u.numHeads.clear();
    for (int c : channels)
        u.numHeads.push_back(std::max(1, c / headDim));
    u.normNumGroups = groups;
    u.midBlockHasAttention = true;
}

void setVae(EmbeddedModelSpec& s, std::vector<int> channels, int layers, int groups,
            bool midAttention)
{
    auto& v = s.config.vae;
    v.blockOutChannels = channels;
    v.layersPerBlock = layers;
    v.normNumGroups = groups;
    v.midBlockAddAttention = midAttention;
}

// stabilityai/stable-diffusion-xl-base-1.0's configs: UNet 2.567 B, CLIP-L + OpenCLIP bigG
// (with its 1280 projection), the SD VAE shapes with SDXL's scaling factor.
ModelConfig sdxlBaseConfig()
{
    ModelConfig c;
    c.family = ModelFamily::SDXL;
    UNetConfig& u = c.unet;
    u.blockOutChannels = {320, 640, 1280};
    u.downBlockHasAttention = {false, true, true}; // DownBlock2D, 2 x CrossAttnDownBlock2D
    u.upBlockHasAttention = {true, true, false};
    u.layersPerBlock = 2;
    u.numHeads = {5, 10, 20}; // attention_head_dim [5, 10, 20] (head counts: 64 wide)
    u.transformerLayersPerBlock = {1, 2, 10};
    u.crossAttentionDim = 2048;
    u.useLinearProjection = true;
    u.sampleSize = 128;
    u.additionEmbedType = "text_time";
    u.additionTimeEmbedDim = 256;
    u.projectionClassEmbeddingsInputDim = 2816;
    // CLIP ViT-L/14 (the default TextEncoderConfig) and OpenCLIP ViT-bigG/14.
    TextEncoderConfig& t2 = c.textEncoder2;
    c.hasTextEncoder2 = true;
    t2.hiddenSize = 1280;
    t2.intermediateSize = 5120;
    t2.numHiddenLayers = 32;
    t2.numAttentionHeads = 20;
    t2.hiddenAct = "gelu";
    t2.projectionDim = 1280;
    t2.hasProjection = true;
    c.vae.scalingFactor = 0.13025;
    c.vae.forceUpcast = true;
    c.vae.sampleSize = 1024;
    c.forceZerosForEmptyPrompt = true;
    c.defaultClipSkip = 2;
    return c;
}

json intList(const std::vector<int>& v)
{
    json out = json::array();
    for (int x : v)
        out.push_back(x);
    return out;
}

Status writeJson(const std::filesystem::path& path, const json& j)
{
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
        return Status::error("cannot create " + path.parent_path().string() + ": " + ec.message());
    std::ofstream f(path);
    f << j.dump(2) << "\n";
    if (!f)
        return Status::error("cannot write " + path.string());
    return Status::ok();
}

} // namespace

std::vector<std::string> EmbeddedModelSpec::presetNames()
{
    return {"mds-tiny", "micro", "cand-a", "cand-b", "cand-c", "cand-d", "sd15", "sdxl"};
}

Result<EmbeddedModelSpec> EmbeddedModelSpec::preset(const std::string& name)
{
    EmbeddedModelSpec s = base(name);
    if (name == "mds-tiny") { // = cand-c, the fastest candidate on the 2-core CPU
        setText(s, 256, 4, 4);
        setUNet(s, {16, 32, 64, 128}, {false, false, true, true}, 1, 32, 8);
        setVae(s, {16, 32, 32, 64}, 1, 8, false);
    } else if (name == "micro") { // for tests: trains in seconds on a CPU
        setText(s, 32, 1, 2);
        setUNet(s, {16, 32}, {false, true}, 1, 16, 8);
        setVae(s, {8, 16}, 1, 4, false);
        s.nativeSize = 32;
        s.config.unet.sampleSize = 16;
        s.config.vae.sampleSize = 32;
    } else if (name == "cand-a") {
        setText(s, 256, 4, 4);
        setUNet(s, {32, 64, 128, 256}, {false, false, true, true}, 1, 32, 16);
        setVae(s, {16, 32, 64, 64}, 1, 8, false);
    } else if (name == "cand-b") {
        setText(s, 256, 4, 4);
        setUNet(s, {16, 32, 64}, {false, false, true}, 1, 32, 8);
        setVae(s, {16, 32, 64, 64}, 1, 8, false);
    } else if (name == "cand-c") {
        setText(s, 256, 4, 4);
        setUNet(s, {16, 32, 64, 128}, {false, false, true, true}, 1, 32, 8);
        setVae(s, {16, 32, 32, 64}, 1, 8, false);
    } else if (name == "cand-d") {
        setText(s, 256, 4, 4);
        setUNet(s, {16, 32, 96, 192}, {false, false, true, true}, 1, 32, 8);
        setVae(s, {16, 32, 64, 64}, 1, 8, false);
    } else if (name == "sd15") { // Stable Diffusion 1.5's shapes, for GPU benchmarks only
        s.config = ModelConfig{};
        s.config.family = ModelFamily::SD1;
    } else if (name == "sdxl") { // SDXL base 1.0's shapes, for benchmarks only
        s.config = sdxlBaseConfig();
        s.nativeSize = 1024;
    } else {
        std::string names;
        for (const auto& n : presetNames())
            names += (names.empty() ? "" : ", ") + n;
        return Status::error("unknown model preset \"" + name + "\" (known: " + names + ")");
    }
    return s;
}

json EmbeddedModelSpec::unetJson() const
{
    const UNetConfig& u = config.unet;
    json down = json::array(), up = json::array();
    for (bool a : u.downBlockHasAttention)
        down.push_back(a ? "CrossAttnDownBlock2D" : "DownBlock2D");
    for (bool a : u.upBlockHasAttention)
        up.push_back(a ? "CrossAttnUpBlock2D" : "UpBlock2D");
    return json{
        {"_class_name", "UNet2DConditionModel"},
        {"_md_model", name},
        {"sample_size", u.sampleSize},
        {"in_channels", u.inChannels},
        {"out_channels", u.outChannels},
        {"block_out_channels", intList(u.blockOutChannels)},
        {"down_block_types", down},
        {"up_block_types", up},
        {"mid_block_type", u.midBlockHasAttention ? "UNetMidBlock2DCrossAttn" : "UNetMidBlock2D"},
        {"layers_per_block", u.layersPerBlock},
        {"attention_head_dim", intList(u.numHeads)}, // diffusers' legacy name: head COUNTS
        {"cross_attention_dim", u.crossAttentionDim},
        {"use_linear_projection", u.useLinearProjection},
        {"upcast_attention", u.upcastAttention},
        {"norm_num_groups", u.normNumGroups},
        {"norm_eps", u.normEps},
        {"flip_sin_to_cos", u.flipSinToCos},
        {"freq_shift", u.freqShift},
        {"transformer_layers_per_block", u.transformerLayersPerBlock},
        {"act_fn", "silu"},
        {"center_input_sample", false},
        {"downsample_padding", 1},
        {"dual_cross_attention", false},
        {"only_cross_attention", false},
        {"resnet_time_scale_shift", "default"},
    };
}

json EmbeddedModelSpec::vaeJson() const
{
    const VaeConfig& v = config.vae;
    json down = json::array(), up = json::array();
    for (size_t i = 0; i < v.blockOutChannels.size(); ++i) {
        down.push_back("DownEncoderBlock2D");
        up.push_back("UpDecoderBlock2D");
    }
    return json{
        {"_class_name", "AutoencoderKL"},
        {"_md_model", name},
        {"in_channels", v.inChannels},
        {"out_channels", v.outChannels},
        {"latent_channels", v.latentChannels},
        {"block_out_channels", intList(v.blockOutChannels)},
        {"down_block_types", down},
        {"up_block_types", up},
        {"layers_per_block", v.layersPerBlock},
        {"norm_num_groups", v.normNumGroups},
        {"act_fn", "silu"},
        {"sample_size", v.sampleSize},
        {"scaling_factor", v.scalingFactor},
        {"use_quant_conv", v.useQuantConv},
        {"use_post_quant_conv", v.usePostQuantConv},
        {"mid_block_add_attention", v.midBlockAddAttention},
        {"force_upcast", false},
    };
}

json EmbeddedModelSpec::textEncoderJson() const
{
    const TextEncoderConfig& t = config.textEncoder;
    return json{
        {"architectures", json::array({"CLIPTextModel"})},
        {"model_type", "clip_text_model"},
        {"_md_model", name},
        {"vocab_size", t.vocabSize},
        {"hidden_size", t.hiddenSize},
        {"intermediate_size", t.intermediateSize},
        {"num_hidden_layers", t.numHiddenLayers},
        {"num_attention_heads", t.numAttentionHeads},
        {"max_position_embeddings", t.maxPositionEmbeddings},
        {"hidden_act", t.hiddenAct},
        {"layer_norm_eps", t.layerNormEps},
        {"projection_dim", t.projectionDim},
        {"bos_token_id", kBosId},
        {"eos_token_id", t.eosTokenId},
        {"pad_token_id", kPadId},
        {"torch_dtype", "float16"},
    };
}

json EmbeddedModelSpec::schedulerJson() const
{
    const SchedulerConfig& s = config.scheduler;
    return json{
        {"_class_name", "DDIMScheduler"},
        {"num_train_timesteps", s.numTrainTimesteps},
        {"beta_start", s.betaStart},
        {"beta_end", s.betaEnd},
        {"beta_schedule", s.betaSchedule},
        {"prediction_type", s.predictionType},
        {"timestep_spacing", s.timestepSpacing},
        {"steps_offset", s.stepsOffset},
        {"set_alpha_to_one", s.setAlphaToOne},
        {"clip_sample", false},
    };
}

json EmbeddedModelSpec::modelIndexJson() const
{
    return json{
        {"_class_name", "StableDiffusionPipeline"},
        {"_md_model", name},
        {"_md_native_size", nativeSize},
        {"scheduler", json::array({"diffusers", "DDIMScheduler"})},
        {"text_encoder", json::array({"transformers", "CLIPTextModel"})},
        {"tokenizer", json::array({"sentencepiece", "SentencePieceProcessor"})},
        {"unet", json::array({"diffusers", "UNet2DConditionModel"})},
        {"vae", json::array({"diffusers", "AutoencoderKL"})},
        {"safety_checker", json::array({nullptr, nullptr})},
        {"feature_extractor", json::array({nullptr, nullptr})},
        {"requires_safety_checker", false},
    };
}

json EmbeddedModelSpec::tokenizerConfigJson(int maxLength)
{
    return json{
        {"tokenizer_class", "SentencePiece"},
        {"model_file", "spiece.model"},
        {"model_max_length", maxLength},
        {"add_bos_token", true},
        {"add_eos_token", true},
        {"padding_side", "right"},
        {"do_lower_case", true},
        {"pad_token", "<pad>"},
        {"unk_token", "<unk>"},
        {"bos_token", "<s>"},
        {"eos_token", "</s>"},
        {"pad_token_id", kPadId},
        {"unk_token_id", 1},
        {"bos_token_id", kBosId},
        {"eos_token_id", kEosId},
    };
}

Status EmbeddedModelSpec::writeConfigs(const std::string& dirIn) const
{
    const std::filesystem::path dir(dirIn);
    for (auto [path, j] : std::vector<std::pair<std::filesystem::path, json>>{
             {dir / "model_index.json", modelIndexJson()},
             {dir / "unet" / "config.json", unetJson()},
             {dir / "vae" / "config.json", vaeJson()},
             {dir / "text_encoder" / "config.json", textEncoderJson()},
             {dir / "scheduler" / "scheduler_config.json", schedulerJson()},
         }) {
        Status s = writeJson(path, j);
        if (!s)
            return s;
    }
    return Status::ok();
}

} // namespace md

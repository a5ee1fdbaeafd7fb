// LDM -> diffusers key mapping: the SD 1.5 layout table of research/engine.md section 2, and
// a synthetic SD 2.x-style single file (OpenCLIP text encoder) written here with random
// tensors.

#include "engine/io/LdmKeyMap.h"

#include "engine/common/Fixtures.h"
#include "engine/io/CheckpointLoader.h"
#include "engine/io/SafetensorsWriter.h"

#include <gtest/gtest.h>

namespace md {
namespace {

TEST(LdmKeyMap, UNetKeysOfTheSd15Layout)
{
    const int L = 2; // SD 1.5 layers per block
    const std::pair<const char*, const char*> cases[] = {
        {"time_embed.0.weight", "time_embedding.linear_1.weight"},
        {"time_embed.2.bias", "time_embedding.linear_2.bias"},
        {"input_blocks.0.0.weight", "conv_in.weight"},
        {"input_blocks.1.0.in_layers.0.weight", "down_blocks.0.resnets.0.norm1.weight"},
        {"input_blocks.1.0.in_layers.2.weight", "down_blocks.0.resnets.0.conv1.weight"},
        {"input_blocks.2.0.emb_layers.1.bias", "down_blocks.0.resnets.1.time_emb_proj.bias"},
        {"input_blocks.2.1.proj_in.weight", "down_blocks.0.attentions.1.proj_in.weight"},
        {"input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight"},
        {"input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight"},
        {"input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight",
         "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"},
        {"input_blocks.6.0.op.bias", "down_blocks.1.downsamplers.0.conv.bias"},
        {"input_blocks.9.0.op.weight", "down_blocks.2.downsamplers.0.conv.weight"},
        {"input_blocks.11.0.out_layers.3.weight", "down_blocks.3.resnets.1.conv2.weight"},
        {"middle_block.0.out_layers.0.bias", "mid_block.resnets.0.norm2.bias"},
        {"middle_block.1.proj_out.weight", "mid_block.attentions.0.proj_out.weight"},
        {"middle_block.2.in_layers.2.weight", "mid_block.resnets.1.conv1.weight"},
        {"output_blocks.0.0.in_layers.0.weight", "up_blocks.0.resnets.0.norm1.weight"},
        {"output_blocks.2.0.skip_connection.bias", "up_blocks.0.resnets.2.conv_shortcut.bias"},
        {"output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight"},
        {"output_blocks.3.1.norm.weight", "up_blocks.1.attentions.0.norm.weight"},
        {"output_blocks.5.2.conv.weight", "up_blocks.1.upsamplers.0.conv.weight"},
        {"output_blocks.8.2.conv.bias", "up_blocks.2.upsamplers.0.conv.bias"},
        {"output_blocks.11.1.transformer_blocks.0.ff.net.0.proj.weight",
         "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight"},
        {"out.0.weight", "conv_norm_out.weight"},
        {"out.2.bias", "conv_out.bias"},
    };
    for (const auto& [ldm, diffusers] : cases)
        EXPECT_EQ(mapLdmUNetKey(ldm, L), diffusers) << ldm;
    // SDXL's added conditioning (an SD 1.x file never has it; mapLdmCheckpoint refuses a
    // label_emb without SDXL's two text encoders).
    EXPECT_EQ(mapLdmUNetKey("label_emb.0.0.weight", L), "add_embedding.linear_1.weight");
    EXPECT_EQ(mapLdmUNetKey("label_emb.0.2.bias", L), "add_embedding.linear_2.bias");
    EXPECT_EQ(mapLdmUNetKey("label_emb.0.1.weight", L), "");
}

TEST(LdmKeyMap, VaeKeysReverseTheDecoderLevels)
{
    const std::pair<const char*, const char*> cases[] = {
        {"encoder.conv_in.weight", "encoder.conv_in.weight"},
        {"encoder.down.0.block.1.conv2.weight", "encoder.down_blocks.0.resnets.1.conv2.weight"},
        {"encoder.down.1.block.0.nin_shortcut.weight",
         "encoder.down_blocks.1.resnets.0.conv_shortcut.weight"},
        {"encoder.down.2.downsample.conv.bias", "encoder.down_blocks.2.downsamplers.0.conv.bias"},
        {"encoder.mid.block_1.norm1.weight", "encoder.mid_block.resnets.0.norm1.weight"},
        {"encoder.mid.block_2.conv2.bias", "encoder.mid_block.resnets.1.conv2.bias"},
        {"encoder.mid.attn_1.norm.weight", "encoder.mid_block.attentions.0.group_norm.weight"},
        {"encoder.mid.attn_1.q.weight", "encoder.mid_block.attentions.0.to_q.weight"},
        {"decoder.mid.attn_1.proj_out.bias", "decoder.mid_block.attentions.0.to_out.0.bias"},
        {"encoder.norm_out.weight", "encoder.conv_norm_out.weight"},
        {"decoder.up.3.block.0.conv1.weight", "decoder.up_blocks.0.resnets.0.conv1.weight"},
        {"decoder.up.3.upsample.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.weight"},
        {"decoder.up.0.block.2.nin_shortcut.bias",
         "decoder.up_blocks.3.resnets.2.conv_shortcut.bias"},
        {"quant_conv.weight", "quant_conv.weight"},
        {"post_quant_conv.bias", "post_quant_conv.bias"},
    };
    for (const auto& [ldm, diffusers] : cases)
        EXPECT_EQ(mapLdmVaeKey(ldm, 4), diffusers) << ldm;
}

// A tiny SD 2.x-style checkpoint: 2-level UNet (1 layer per block, linear proj_in), 2-level
// VAE, and an OpenCLIP text encoder with 3 resblocks.
struct Sd2File
{
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    void add(const std::string& name, std::vector<int64_t> shape)
    {
        tensors.emplace_back(name, torch::randn(shape));
    }
    torch::Tensor get(const std::string& name) const
    {
        for (const auto& [n, t] : tensors)
            if (n == name)
                return t;
        throw std::runtime_error("no " + name);
    }
};

void addResnet(Sd2File& f, const std::string& p, int64_t cin, int64_t cout)
{
    f.add(p + "in_layers.0.weight", {cin});
    f.add(p + "in_layers.2.weight", {cout, cin, 3, 3});
    f.add(p + "emb_layers.1.weight", {cout, 128});
    f.add(p + "out_layers.0.weight", {cout});
    f.add(p + "out_layers.3.weight", {cout, cout, 3, 3});
    if (cin != cout)
        f.add(p + "skip_connection.weight", {cout, cin, 1, 1});
}

void addAttention(Sd2File& f, const std::string& p, int64_t c, int64_t context)
{
    f.add(p + "norm.weight", {c});
    f.add(p + "proj_in.weight", {c, c});
    f.add(p + "transformer_blocks.0.attn1.to_q.weight", {c, c});
    f.add(p + "transformer_blocks.0.attn2.to_k.weight", {c, context});
    f.add(p + "proj_out.weight", {c, c});
}

Sd2File makeSd2(const std::string& textPrefix)
{
    torch::manual_seed(7);
    Sd2File f;
    const std::string u = "model.diffusion_model.";
    const int64_t width = 64, context = width;
    f.add(u + "time_embed.0.weight", {128, 32});
    f.add(u + "input_blocks.0.0.weight", {32, 4, 3, 3});
    addResnet(f, u + "input_blocks.1.0.", 32, 32);
    addAttention(f, u + "input_blocks.1.1.", 32, context);
    f.add(u + "input_blocks.2.0.op.weight", {32, 32, 3, 3});
    addResnet(f, u + "input_blocks.3.0.", 32, 64);
    addResnet(f, u + "middle_block.0.", 64, 64);
    addAttention(f, u + "middle_block.1.", 64, context);
    addResnet(f, u + "middle_block.2.", 64, 64);
    addResnet(f, u + "output_blocks.0.0.", 128, 64);
    addResnet(f, u + "output_blocks.1.0.", 96, 64);
    f.add(u + "output_blocks.1.1.conv.weight", {64, 64, 3, 3});
    addResnet(f, u + "output_blocks.2.0.", 96, 32);
    addAttention(f, u + "output_blocks.2.1.", 32, context);
    addResnet(f, u + "output_blocks.3.0.", 64, 32);
    addAttention(f, u + "output_blocks.3.1.", 32, context);
    f.add(u + "out.0.weight", {32});
    f.add(u + "out.2.weight", {4, 32, 3, 3});

    const std::string v = "first_stage_model.";
    f.add(v + "encoder.conv_in.weight", {32, 3, 3, 3});
    f.add(v + "encoder.down.0.block.0.conv2.weight", {32, 32, 3, 3});
    f.add(v + "encoder.down.0.downsample.conv.weight", {32, 32, 3, 3});
    f.add(v + "encoder.down.1.block.0.conv2.weight", {64, 64, 3, 3});
    f.add(v + "encoder.down.1.block.0.nin_shortcut.weight", {64, 32, 1, 1});
    for (const char* part : {"q", "k", "v", "proj_out"})
        f.add(v + "encoder.mid.attn_1." + part + ".weight", {64, 64, 1, 1});
    f.add(v + "encoder.mid.attn_1.norm.weight", {64});
    f.add(v + "encoder.conv_out.weight", {8, 64, 3, 3});
    f.add(v + "quant_conv.weight", {8, 8, 1, 1});
    f.add(v + "post_quant_conv.weight", {4, 4, 1, 1});
    f.add(v + "decoder.conv_in.weight", {64, 4, 3, 3});
    f.add(v + "decoder.up.1.block.0.conv2.weight", {64, 64, 3, 3});
    f.add(v + "decoder.up.1.upsample.conv.weight", {64, 64, 3, 3});
    f.add(v + "decoder.up.0.block.0.conv2.weight", {32, 32, 3, 3});
    f.add(v + "decoder.conv_out.weight", {3, 32, 3, 3});

    const std::string t = textPrefix;
    f.add(t + "token_embedding.weight", {100, width});
    f.add(t + "positional_embedding", {77, width});
    for (int i = 0; i < 3; ++i) {
        const std::string b = t + "transformer.resblocks." + std::to_string(i) + ".";
        f.add(b + "ln_1.weight", {width});
        f.add(b + "ln_1.bias", {width});
        f.add(b + "attn.in_proj_weight", {3 * width, width});
        f.add(b + "attn.in_proj_bias", {3 * width});
        f.add(b + "attn.out_proj.weight", {width, width});
        f.add(b + "attn.out_proj.bias", {width});
        f.add(b + "ln_2.weight", {width});
        f.add(b + "mlp.c_fc.weight", {4 * width, width});
        f.add(b + "mlp.c_fc.bias", {4 * width});
        f.add(b + "mlp.c_proj.weight", {width, 4 * width});
    }
    f.add(t + "ln_final.weight", {width});
    f.add(t + "ln_final.bias", {width});
    f.add(t + "text_projection", {width, 48});
    f.add(t + "logit_scale", {});
    f.add("model_ema.decay", {});
    f.add("alphas_cumprod", {1000});
    return f;
}

TEST(LdmKeyMap, SyntheticSd2OpenClipSingleFile)
{
    for (const std::string prefix : {"cond_stage_model.model.", "conditioner.embedders.0.model."}) {
        Sd2File f = makeSd2(prefix);
        const std::string path = test::tempPath("sd2-tiny.safetensors");
        ASSERT_TRUE(writeSafetensors(path, f.tensors, {}, torch::kHalf));
        auto loaded = loadCheckpoint(path);
        ASSERT_TRUE(loaded) << loaded.error();
        const Checkpoint& ckpt = loaded.value();
        const WeightSet& te = ckpt.textEncoder;
        auto half = [](const torch::Tensor& t) { return t.to(torch::kHalf).to(torch::kFloat); };

        // in_proj rows 0..W-1, W..2W-1, 2W..3W-1 are q, k, v.
        for (int i = 0; i < 2; ++i) {
            const std::string src = prefix + "transformer.resblocks." + std::to_string(i) + ".";
            const std::string dst = "text_model.encoder.layers." + std::to_string(i) + ".";
            const auto w = half(f.get(src + "attn.in_proj_weight"));
            const auto b = half(f.get(src + "attn.in_proj_bias"));
            const char* parts[] = {"q_proj", "k_proj", "v_proj"};
            for (int p = 0; p < 3; ++p) {
                auto weight = te.load(dst + "self_attn." + parts[p] + ".weight", torch::kFloat);
                auto bias = te.load(dst + "self_attn." + parts[p] + ".bias", torch::kFloat);
                ASSERT_TRUE(weight && bias) << dst << parts[p];
                EXPECT_TRUE(torch::equal(weight.value(), w.slice(0, p * 64, (p + 1) * 64)));
                EXPECT_TRUE(torch::equal(bias.value(), b.slice(0, p * 64, (p + 1) * 64)));
            }
            EXPECT_TRUE(torch::equal(te.load(dst + "mlp.fc1.weight", torch::kFloat).value(),
                                     half(f.get(src + "mlp.c_fc.weight"))));
            EXPECT_TRUE(torch::equal(te.load(dst + "layer_norm1.bias", torch::kFloat).value(),
                                     half(f.get(src + "ln_1.bias"))));
        }
        // The last resblock is dropped: SD 2.x uses the penultimate layer, then ln_final.
        EXPECT_TRUE(te.namesWithPrefix("text_model.encoder.layers.2.").empty());
        EXPECT_EQ(ckpt.config.textEncoder.numHiddenLayers, 2);
        EXPECT_TRUE(torch::equal(te.load("text_projection.weight", torch::kFloat).value(),
                                 half(f.get(prefix + "text_projection")).t()));
        EXPECT_EQ(te.shape("text_projection.weight"), (std::vector<int64_t>{48, 64}));
        EXPECT_TRUE(torch::equal(
            te.load("text_model.embeddings.position_embedding.weight", torch::kFloat).value(),
            half(f.get(prefix + "positional_embedding"))));
        EXPECT_TRUE(te.contains("text_model.final_layer_norm.weight"));
        EXPECT_FALSE(te.contains("logit_scale"));

        EXPECT_EQ(ckpt.config.family, ModelFamily::SD2);
        EXPECT_EQ(ckpt.config.textEncoder.hiddenAct, "gelu");
        EXPECT_EQ(ckpt.config.textEncoder.hiddenSize, 64);
        EXPECT_EQ(ckpt.config.textEncoder.intermediateSize, 256);
        EXPECT_EQ(ckpt.config.textEncoder.vocabSize, 100);
        EXPECT_TRUE(ckpt.config.textEncoder.hasProjection);
        EXPECT_EQ(ckpt.config.textEncoder.projectionDim, 48);
        EXPECT_EQ(ckpt.config.scheduler.predictionType, "v_prediction");
        EXPECT_EQ(ckpt.storedDtype, "F16");

        // The UNet and VAE of the same file.
        const UNetConfig& unet = ckpt.config.unet;
        EXPECT_EQ(unet.blockOutChannels, (std::vector<int>{32, 64}));
        EXPECT_EQ(unet.layersPerBlock, 1);
        EXPECT_EQ(unet.downBlockHasAttention, (std::vector<bool>{true, false}));
        EXPECT_EQ(unet.upBlockHasAttention, (std::vector<bool>{false, true}));
        EXPECT_TRUE(unet.useLinearProjection);
        EXPECT_EQ(unet.crossAttentionDim, 64);
        EXPECT_TRUE(ckpt.unet.contains("up_blocks.0.upsamplers.0.conv.weight"));
        EXPECT_TRUE(ckpt.unet.contains("down_blocks.0.downsamplers.0.conv.weight"));
        EXPECT_TRUE(ckpt.unet.contains("up_blocks.1.attentions.1.proj_in.weight"));
        EXPECT_TRUE(ckpt.unet.contains("mid_block.resnets.1.norm1.weight"));
        EXPECT_EQ(ckpt.config.vae.blockOutChannels, (std::vector<int>{32, 64}));
        EXPECT_EQ(ckpt.config.vae.layersPerBlock, 1);
        EXPECT_EQ(ckpt.vae.shape("encoder.mid_block.attentions.0.to_out.0.weight"),
                  (std::vector<int64_t>{64, 64}));
        // decoder.up.1 (LDM, bottom-up) is diffusers' first up block.
        EXPECT_TRUE(torch::equal(
            ckpt.vae.load("decoder.up_blocks.0.upsamplers.0.conv.weight", torch::kFloat).value(),
            half(f.get("first_stage_model.decoder.up.1.upsample.conv.weight"))));
    }
}

TEST(LdmKeyMap, RefusesFilesThatAreNotSdCheckpoints)
{
    Sd2File f = makeSd2("cond_stage_model.model.");
    std::vector<std::pair<std::string, torch::Tensor>> noText, noUNet;
    for (const auto& [name, t] : f.tensors) {
        if (name.rfind("cond_stage_model.", 0) != 0)
            noText.emplace_back(name, t);
        if (name.rfind("model.diffusion_model.", 0) != 0)
            noUNet.emplace_back(name, t);
    }
    const std::string a = test::tempPath("no-text.safetensors");
    ASSERT_TRUE(writeSafetensors(a, noText));
    auto ra = loadCheckpoint(a);
    ASSERT_FALSE(ra);
    EXPECT_NE(ra.error().find("no text encoder"), std::string::npos) << ra.error();
    const std::string b = test::tempPath("no-unet.safetensors");
    ASSERT_TRUE(writeSafetensors(b, noUNet));
    auto rb = loadCheckpoint(b);
    ASSERT_FALSE(rb);
    EXPECT_NE(rb.error().find("no UNet"), std::string::npos) << rb.error();

    auto sdxl = f.tensors;
    sdxl.emplace_back("conditioner.embedders.1.model.ln_final.weight", torch::zeros({4}));
    const std::string c = test::tempPath("sdxl.safetensors");
    ASSERT_TRUE(writeSafetensors(c, sdxl));
    auto rc = loadCheckpoint(c);
    ASSERT_FALSE(rc);
    EXPECT_NE(rc.error().find("SDXL"), std::string::npos) << rc.error();
}

} // namespace
} // namespace md

#pragma once

// The Linear and Conv2d layers a LoRA can act on, by our module paths: "unet.<diffusers module
// path>", "text_encoder.<transformers path>", "text_encoder_2.<path>" (e.g.
// "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q",
// "text_encoder.text_model.encoder.layers.0.self_attn.q_proj"). kohya names write these paths
// with '_' for '.', so they are looked up here rather than split by guesswork; kohya's SDXL
// UNet names (LDM: input_blocks_4_1_transformer_blocks_0_attn1_to_q) are mapped through
// io/LdmKeyMap.

#include <map>
#include <set>
#include <string>
#include <torch/nn/module.h>

namespace md::lora {

class LoraModuleTable
{
public:
    // The layers of SD 1.x/2.x and SDXL (their real structures, built narrow): what a LoRA file
    // is read against before a model is at hand (Engine::inspectLora). Text encoders with up
    // to 32 layers (CLIP-L 12, OpenCLIP-H 23, bigG 32).
    static const LoraModuleTable& standard();
    // The layers of loaded networks (text2: SDXL's second text encoder, or null). exact():
    // a path outside it is not this model's.
    static LoraModuleTable of(const torch::nn::Module& unet, const torch::nn::Module& text,
                              const torch::nn::Module* text2);

    // component: "unet", "text_encoder" or "text_encoder_2"; name: the module path with '_'
    // for '.' (kohya, without its lora_unet_ / lora_te_ prefix). Our path, or "" when none.
    std::string fromUnderscored(const std::string& component, const std::string& name) const;
    // A kohya SDXL UNet name in the LDM layout (input_blocks_4_1_..., middle_block_1_...,
    // output_blocks_2_1_conv, ...) -> our path, or "".
    std::string fromLdmUnderscored(const std::string& name) const;

    bool contains(const std::string& path) const { return m_paths.count(path) > 0; }
    bool exact() const { return m_exact; }
    size_t size() const { return m_paths.size(); }

private:
    void add(const std::string& component, const torch::nn::Module& module);
    void finish();

    std::set<std::string> m_paths;
    std::map<std::string, std::string> m_underscored; // "unet:down_blocks_0_..." -> path
    // Transformer-block tails as written in LDM names ("attn1_to_q" -> "attn1.to_q").
    std::map<std::string, std::string> m_blockTails;
    int m_layersPerBlock = 2;
    bool m_exact = false;
};

// "a.b.c" -> "a_b_c"
std::string underscored(const std::string& dotted);

} // namespace md::lora

#pragma once

// A small kohya-named LoRA file for tests that list, inspect or look up LoRA files without
// applying them (the ui's LoRA browser, `mdstudio-cli loras`, batch's hash checks): one UNet
// cross-attention module (its input width gives the family: 768 SD 1.x, 2048 SDXL), kohya
// metadata (ss_network_module, and ss_tag_frequency, the trigger words, when given) and zero
// float32 data. Written byte by byte (8-byte header length, JSON header, data), as
// safetensors lays them out. Header only, without torch: the ui and batch tests that use it
// link no test library. (TestLoraFile.h writes real weights for a model's layers.)

#include <cstddef>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace md::test {

// False when the file cannot be written.
inline bool writeKohyaLoraStub(const std::string& path, int contextDim,
                               const nlohmann::json& tagFrequency = nullptr, int rank = 4)
{
    const std::string module =
        "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k";
    const std::size_t down = std::size_t(rank) * std::size_t(contextDim) * 4;
    const std::size_t up = std::size_t(640) * std::size_t(rank) * 4;
    nlohmann::json header;
    header[module + ".lora_down.weight"] = {
        {"dtype", "F32"}, {"shape", {rank, contextDim}}, {"data_offsets", {0, down}}};
    header[module + ".lora_up.weight"] = {
        {"dtype", "F32"}, {"shape", {640, rank}}, {"data_offsets", {down, down + up}}};
    nlohmann::json metadata = {{"ss_network_module", "networks.lora"}};
    if (!tagFrequency.is_null())
        metadata["ss_tag_frequency"] = tagFrequency.dump();
    header["__metadata__"] = metadata;
    const std::string text = header.dump();
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8; ++i)
        out.put(char((text.size() >> (8 * i)) & 0xff));
    out << text << std::string(down + up, '\0');
    out.close();
    return !out.fail();
}

} // namespace md::test

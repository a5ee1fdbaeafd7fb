#pragma once

// Small kohya-named LoRA files for the ui tests: one UNet cross-attention module (its input
// width gives the family: 768 SD 1.x, 2048 SDXL) and the kohya metadata ss_tag_frequency
// that the browser shows as trigger words. Written byte by byte (8-byte header length, JSON
// header, zero float32 data), as safetensors lays them out.

#include <QFile>
#include <QString>
#include <nlohmann/json.hpp>
#include <string>

namespace md::test {

inline bool writeTestLora(const QString& path, int contextDim,
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
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = char((text.size() >> (8 * i)) & 0xff);
    bytes += QByteArray::fromStdString(text);
    bytes += QByteArray(qsizetype(down + up), '\0');
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace md::test

#include "engine/taesd/TinyDecoderFiles.h"

#include "engine/io/SafetensorsWriter.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <torch/torch.h>
#include <utility>
#include <vector>

namespace md::test {

namespace {

std::string intList(const std::vector<int>& values)
{
    std::string s = "[";
    for (size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + std::to_string(values[i]);
    return s + "]";
}

void write(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& t)
{
    if (auto s = writeSafetensors(path, t); !s)
        throw std::runtime_error(s.message());
}

} // namespace

nn::TinyAutoencoderDecoder randomTinyDecoder(const TinyDecoderConfig& config, std::uint64_t seed)
{
    torch::manual_seed(seed);
    return nn::TinyAutoencoderDecoder(config); // Conv2dLayer draws torch's default init
}

void writeTaesdFile(nn::TinyAutoencoderDecoder& decoder, const std::string& path)
{
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& p : decoder->named_parameters()) {
        const std::string& name = p.key(); // "layers.N.rest"
        const size_t dot = name.find('.', 7);
        const int index = std::stoi(name.substr(7, dot - 7));
        tensors.emplace_back(std::to_string(index + 1) + name.substr(dot), p.value().detach());
    }
    write(path, tensors);
}

void writeAutoencoderTinyFolder(nn::TinyAutoencoderDecoder& decoder, const std::string& dir)
{
    std::filesystem::create_directories(dir);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& p : decoder->named_parameters())
        tensors.emplace_back("decoder." + p.key(), p.value().detach());
    // The encoder's first conv: present in every AutoencoderTiny file, unused by the previews.
    tensors.emplace_back("encoder.layers.0.weight", torch::ones({64, 3, 3, 3}));
    write(dir + "/diffusion_pytorch_model.safetensors", tensors);
    std::ofstream(dir + "/config.json") << autoencoderTinyConfigJson(decoder->config());
}

std::string autoencoderTinyConfigJson(const TinyDecoderConfig& c)
{
    return "{\n  \"_class_name\": \"AutoencoderTiny\",\n  \"act_fn\": \"relu\",\n"
           "  \"upsample_fn\": \"nearest\",\n  \"latent_channels\": " +
           std::to_string(c.latentChannels) +
           ",\n  \"out_channels\": " + std::to_string(c.outChannels) +
           ",\n  \"decoder_block_out_channels\": " + intList(c.blockOutChannels) +
           ",\n  \"num_decoder_blocks\": " + intList(c.numBlocks) +
           ",\n  \"upsampling_scaling_factor\": " + std::to_string(c.upsamplingFactor) +
           ",\n  \"scaling_factor\": 1.0\n}\n";
}

} // namespace md::test

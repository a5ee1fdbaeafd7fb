#pragma once

// Reading a tiny autoencoder's decoder (TAESD / TAESDXL) from disk, in either of its two
// published forms:
//   - a diffusers AutoencoderTiny folder: config.json + diffusion_pytorch_model.safetensors
//     (keys "decoder.layers.N...."; the encoder's tensors are ignored);
//   - madebyollin's single file, taesd_decoder.safetensors / taesdxl_decoder.safetensors
//     (the decoder Sequential's own keys, "1.weight", "3.conv.0.weight", ...: index 0 is the
//     latent clamp, so file index N is DecoderTiny's N - 1).
// A .safetensors file with diffusers' keys is read as well. The tensors are presented under
// DecoderTiny's names without "decoder." (TinyDecoderConfig.h), the config comes from
// config.json where there is one, else from the tensors' shapes.

#include "engine/Status.h"
#include "engine/io/TinyDecoderConfig.h"
#include "engine/io/WeightSet.h"

#include <string>

namespace md {

struct TinyDecoderWeights
{
    std::string path;   // the weights file read
    std::string format; // "diffusers AutoencoderTiny" or "TAESD decoder file"
    TinyDecoderConfig config;
    WeightSet weights; // component "preview decoder"
};

// `path`: an AutoencoderTiny folder or a .safetensors file. Errors name the file and say
// what is wrong (no weights, an encoder instead of a decoder, a layout that is not TAESD's).
Result<TinyDecoderWeights> readTinyDecoderWeights(const std::string& path);

} // namespace md

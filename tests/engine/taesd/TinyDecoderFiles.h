#pragma once

// Test helpers: random tiny decoders written in the two published forms, from the module's
// own parameter names ("layers.N...."): madebyollin's file (index N + 1, as his Sequential
// has the clamp at 0) and a diffusers AutoencoderTiny folder ("decoder." + name, a
// config.json, and an encoder tensor the loader must ignore). Errors throw (test code).

#include "engine/io/TinyDecoderConfig.h"
#include "engine/nn/TinyAutoencoderDecoder.h"

#include <cstdint>
#include <string>

namespace md::test {

// Parameters uniform in +-1/sqrt(fan_in) (torch's default bound), from `seed`.
nn::TinyAutoencoderDecoder randomTinyDecoder(const TinyDecoderConfig& config, std::uint64_t seed);

void writeTaesdFile(nn::TinyAutoencoderDecoder& decoder, const std::string& path);
void writeAutoencoderTinyFolder(nn::TinyAutoencoderDecoder& decoder, const std::string& dir);

// The AutoencoderTiny config.json of `config`.
std::string autoencoderTinyConfigJson(const TinyDecoderConfig& config);

} // namespace md::test

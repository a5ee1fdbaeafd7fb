#pragma once

// The shape of a tiny autoencoder's decoder (TAESD / TAESDXL, diffusers' AutoencoderTiny
// decoder): a 3x3 conv from the latent channels, ReLU, then one level per entry of
// `blockOutChannels`: numBlocks[i] residual blocks and, except at the last level, a nearest
// upsampling by `upsamplingFactor` and a 3x3 conv without bias; the last level ends with a
// 3x3 conv to the image channels instead. TAESD: 4 levels of 64 channels, (3, 3, 3, 1)
// blocks, 8x upsampling.
//
// It is read from an AutoencoderTiny config.json, or found from the tensor names and shapes
// of a decoder's weights (a file has no config). Names are DecoderTiny's without the
// "decoder." prefix: "layers.0.weight" (the first conv), "layers.N.conv.{0,2,4}.{weight,bias}"
// (a block), "layers.N.weight" (a level's conv), with the Sequential's indices (ReLU and
// upsampling layers hold no tensors but keep their index).

#include "engine/Status.h"

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace md {

struct TinyDecoderConfig
{
    int latentChannels = 4;
    int outChannels = 3;
    std::vector<int> blockOutChannels{64, 64, 64, 64};
    std::vector<int> numBlocks{3, 3, 3, 1};
    int upsamplingFactor = 2;

    // Image pixels per latent pixel: upsamplingFactor ^ (levels - 1).
    int scaleFactor() const;
    bool operator==(const TinyDecoderConfig& other) const;
};

// An AutoencoderTiny config.json; `source` prefixes every message. Only what the decoder
// uses is read; an activation other than relu or an upsampling other than nearest is refused.
Result<TinyDecoderConfig> tinyDecoderConfigFromJson(const nlohmann::json& j,
                                                    const std::string& source);

// The config a decoder's tensors imply (names as above -> shapes). Errors say which tensor
// does not fit the layout. upsamplingFactor is not in the weights: 2, TAESD's.
Result<TinyDecoderConfig>
tinyDecoderConfigFromShapes(const std::map<std::string, std::vector<int64_t>>& shapes,
                            const std::string& source);

} // namespace md

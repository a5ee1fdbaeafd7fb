#pragma once

// The last check of a model's architecture before any module is built, whatever it came
// from (config.json files, a single file's tensor shapes, sibling configs, overrides): every
// number that sizes a module or divides another lies in a sane range, and the products the
// modules compute from them (head dims, the VAE factor, the native image size) are whole
// and small. A config outside them is refused with the component, the key and the range;
// nothing downstream divides by zero or overflows an int.

#include "engine/Status.h"
#include "engine/io/ModelConfig.h"

#include <string>

namespace md {

// Upper bounds (far above any released model: SDXL's widest is 1280 channels, 2048 text).
constexpr int kMaxConfigLevels = 8;       // UNet / VAE down levels (VAE factor <= 128)
constexpr int kMaxConfigChannels = 16384; // block widths, text width, cross-attention dim
constexpr int kMaxConfigGroups = 1024;
constexpr int kMaxConfigHeads = 1024;
constexpr int kMaxConfigLayers = 128;      // text encoder layers; UNet layers per block <= 16
constexpr int kMaxConfigSampleSize = 1024; // UNet native latent side (8192 px at factor 8)
constexpr int kMaxConfigVocab = 1 << 20;
constexpr int kMaxConfigPositions = 8192;
constexpr int kMaxConfigTimesteps = 100000;

// `source` names the model in messages (its path).
Status checkConfigBounds(const ModelConfig& config, const std::string& source);

} // namespace md

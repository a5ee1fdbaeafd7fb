#pragma once

// The settings shared by the UNet's down, mid and up blocks (diffusers' get_down_block /
// get_up_block arguments).

#include "engine/nn/Transformer2DModel.h"

#include <cstdint>

namespace md::nn {

struct UNetBlockOptions
{
    int64_t inChannels = 0;
    int64_t outChannels = 0;
    int64_t prevOutChannels = 0; // up blocks: channels coming from the block below
    int64_t tembChannels = 0;
    int64_t layers = 2; // resnets (up blocks: layers_per_block + 1)
    int64_t groups = 32;
    double eps = 1e-5;
    bool hasAttention = false; // CrossAttn*Block2D
    int64_t heads = 8;
    int64_t transformerLayers = 1;
    int64_t contextDim = 768;
    bool linearProjection = false;
    bool upcastAttention = false;
    bool addSampler = false; // a downsampler / upsampler at the end
};

inline Transformer2DOptions transformerOptions(const UNetBlockOptions& o, int64_t channels)
{
    Transformer2DOptions t;
    t.channels = channels;
    t.heads = o.heads;
    t.layers = o.transformerLayers;
    t.contextDim = o.contextDim;
    t.groups = o.groups;
    t.linearProjection = o.linearProjection;
    t.upcastAttention = o.upcastAttention;
    return t;
}

} // namespace md::nn

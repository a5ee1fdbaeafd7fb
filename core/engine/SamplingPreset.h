#pragma once

// Sampling presets (issue 15): what the generation panel's "Live (4 steps)" and "Quality"
// set. Plain C++ (no libtorch, no Qt), like EngineTypes.h.

#include "engine/EngineTypes.h"

#include <string>
#include <vector>

namespace md {

struct SamplingPreset
{
    std::string id;    // "live", "quality"
    std::string label; // "Live (4 steps)", "Quality"
    SamplerKind sampler = SamplerKind::DpmPp2mKarras;
    int steps = 20;
    float cfg = 7.5f;            // <= 1: no unconditional pass (half the UNet work)
    std::string timestepSpacing; // empty: the model's scheduler config
    // The weight variant the preset wants loaded (ModelOptions::variant): "lcm" where the
    // model offers its few-step variant (the embedded model does), else "" (plain weights).
    std::string modelVariant;
};

// The presets for a model (its ModelInfo::variants decide the live preset's variant).
// Live: LCM, 4 steps, CFG 1 -- for a model with an "lcm" variant, or with an LCM-LoRA in the
// prompt (LCM-LoRA's own recommendation: 4 steps, CFG 1-2). Quality: DPM++ 2M Karras, 25
// steps, CFG 7 (A1111's and ComfyUI's common default).
std::vector<SamplingPreset> samplingPresets(const ModelInfo& model);

// The preset with this id, if any.
std::optional<SamplingPreset> samplingPreset(const ModelInfo& model, const std::string& id);

// Sets the request's sampler, steps, cfg and spacing from the preset.
void applyPreset(const SamplingPreset& preset, GenerateRequest& request);

} // namespace md

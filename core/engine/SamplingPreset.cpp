#include "engine/SamplingPreset.h"

#include <algorithm>

namespace md {

std::vector<SamplingPreset> samplingPresets(const ModelInfo& model)
{
    const bool hasLcm =
        std::find(model.variants.begin(), model.variants.end(), "lcm") != model.variants.end();
    SamplingPreset live;
    live.id = "live";
    live.label = "Live (4 steps)";
    live.sampler = SamplerKind::Lcm;
    live.steps = 4;
    live.cfg = 1.0f;
    live.modelVariant = hasLcm ? "lcm" : "";

    SamplingPreset quality;
    quality.id = "quality";
    quality.label = "Quality";
    quality.sampler = SamplerKind::DpmPp2mKarras;
    quality.steps = 25;
    quality.cfg = 7.0f;
    return {live, quality};
}

std::optional<SamplingPreset> samplingPreset(const ModelInfo& model, const std::string& id)
{
    for (auto& p : samplingPresets(model))
        if (p.id == id)
            return p;
    return std::nullopt;
}

void applyPreset(const SamplingPreset& preset, GenerateRequest& request)
{
    request.sampler = preset.sampler;
    request.steps = preset.steps;
    request.cfg = preset.cfg;
    request.timestepSpacing = preset.timestepSpacing;
}

} // namespace md

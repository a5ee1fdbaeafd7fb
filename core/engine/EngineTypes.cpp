#include "engine/EngineTypes.h"

namespace md {

namespace {
struct SamplerNames
{
    SamplerKind kind;
    const char* cli;
    const char* display;
};
const SamplerNames kSamplers[] = {
    {SamplerKind::Ddim, "ddim", "DDIM"},
    {SamplerKind::Euler, "euler", "Euler"},
    {SamplerKind::EulerAncestral, "euler_a", "Euler a"},
    {SamplerKind::DpmPp2m, "dpmpp_2m", "DPM++ 2M"},
    {SamplerKind::DpmPp2mKarras, "dpmpp_2m_karras", "DPM++ 2M Karras"},
    {SamplerKind::Lcm, "lcm", "LCM"},
};
} // namespace

std::optional<SamplerKind> samplerFromName(const std::string& name)
{
    for (const auto& s : kSamplers) {
        if (name == s.cli || name == s.display)
            return s.kind;
    }
    return std::nullopt;
}

std::string samplerName(SamplerKind kind)
{
    for (const auto& s : kSamplers) {
        if (s.kind == kind)
            return s.cli;
    }
    return "ddim";
}

std::string samplerDisplayName(SamplerKind kind)
{
    for (const auto& s : kSamplers) {
        if (s.kind == kind)
            return s.display;
    }
    return "DDIM";
}

std::vector<SamplerKind> allSamplers()
{
    std::vector<SamplerKind> out;
    for (const auto& s : kSamplers)
        out.push_back(s.kind);
    return out;
}

std::optional<PredictionType> predictionFromName(const std::string& name)
{
    if (name == "auto")
        return PredictionType::Auto;
    if (name == "epsilon" || name == "eps")
        return PredictionType::Epsilon;
    if (name == "v_prediction" || name == "v")
        return PredictionType::VPrediction;
    return std::nullopt;
}

std::string predictionName(PredictionType type)
{
    switch (type) {
    case PredictionType::Epsilon:
        return "epsilon";
    case PredictionType::VPrediction:
        return "v_prediction";
    case PredictionType::Auto:
        break;
    }
    return "auto";
}

} // namespace md

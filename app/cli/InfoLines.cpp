#include "InfoLines.h"

#include <algorithm>
#include <cstdio>

namespace md::cli {

std::string parameterCount(std::int64_t n)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld (%.2f M)", static_cast<long long>(n),
                  static_cast<double>(n) / 1e6);
    return buf;
}

std::vector<InfoLine> infoLines(const ModelInfo& info, const std::vector<InfoLine>& described)
{
    const auto has = [&described](const std::string& label) {
        return std::any_of(described.begin(), described.end(),
                           [&label](const InfoLine& l) { return l.first == label; });
    };
    // The family-level lines go right after the family ("architecture"), else first.
    std::vector<InfoLine> family;
    if (!has("architecture") && !has("family") && !info.family.empty())
        family.emplace_back("family", info.family);
    if (!has("text encoders") && !info.textEncoders.empty())
        family.emplace_back("text encoders", info.textEncoders);
    if (!has("vae") && !info.vae.empty())
        family.emplace_back("vae", info.vae);
    const bool secondEncoder = info.textEncoder2Parameters > 0 && !has("text encoder 2 parameters");

    std::vector<InfoLine> out;
    const bool anchored = has("architecture");
    if (!anchored)
        out.insert(out.end(), family.begin(), family.end());
    for (const InfoLine& line : described) {
        out.push_back(line);
        if (anchored && line.first == "architecture")
            out.insert(out.end(), family.begin(), family.end());
        if (secondEncoder && line.first == "text encoder parameters")
            out.emplace_back("text encoder 2 parameters",
                             parameterCount(info.textEncoder2Parameters));
    }
    if (secondEncoder && !has("text encoder parameters")) {
        out.emplace_back("text encoder parameters", parameterCount(info.textEncoderParameters));
        out.emplace_back("text encoder 2 parameters", parameterCount(info.textEncoder2Parameters));
    }
    return out;
}

} // namespace md::cli

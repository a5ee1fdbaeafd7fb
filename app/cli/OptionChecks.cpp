#include "OptionChecks.h"

#include "engine/EngineTypes.h"
#include "engine/PathKind.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace md::cli {

std::string checkInteger(const std::string& option, const std::string& text, long long min,
                         long long max)
{
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        return option + " expects an integer, got '" + text + "'";
    if (v < min || v > max)
        return option + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
               ", got " + text;
    return {};
}

std::string checkNumber(const std::string& option, const std::string& text, double min, double max)
{
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        return option + " expects a number, got '" + text + "'";
    if (v < min || v > max) {
        std::ostringstream os;
        os << option << " must be between " << min << " and " << max << ", got " << text;
        return os.str();
    }
    return {};
}

std::string checkUInt64(const std::string& option, const std::string& text)
{
    errno = 0;
    char* end = nullptr;
    std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
        return option + " expects a non-negative integer, got '" + text + "'";
    return {};
}

std::string checkSampler(const std::string&, const std::string& text)
{
    if (samplerFromName(text))
        return {};
    return "unknown sampler '" + text + "' (ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm)";
}

std::string checkPrediction(const std::string& option, const std::string& text)
{
    if (predictionFromName(text))
        return {};
    return option + " must be epsilon or v_prediction, got '" + text + "'";
}

std::string checkStrength(const std::string& option, const std::string& text)
{
    if (checkNumber(option, text, 0.0, 10.0).empty())
        return {};
    return option + " expects a number from 0 to 10, got '" + text + "'";
}

std::uint64_t toUInt64(const std::string& text)
{
    return std::strtoull(text.c_str(), nullptr, 10);
}

std::string checkFolder(const std::string& option, const std::string& text)
{
    const PathKind kind = pathKind(text);
    if (kind == PathKind::Directory)
        return "";
    return option + " " + text + " is not a folder (it is " + pathKindName(kind) + ")";
}

} // namespace md::cli

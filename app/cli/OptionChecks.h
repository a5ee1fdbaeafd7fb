#pragma once

// The checks behind mdstudio-cli's typed options. Each returns "" when `text` is acceptable,
// else one line naming the option and what it accepts ("--steps expects an integer, got
// 'ten'", "--height must be between 8 and 16384, got 0").

#include <cstdint>
#include <string>

namespace md::cli {

std::string checkInteger(const std::string& option, const std::string& text, long long min,
                         long long max);
std::string checkNumber(const std::string& option, const std::string& text, double min, double max);
std::string checkUInt64(const std::string& option, const std::string& text);
// A sampler's command-line name (ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm).
std::string checkSampler(const std::string& option, const std::string& text);

// epsilon or v_prediction.
std::string checkPrediction(const std::string& option, const std::string& text);
// A region's strength, from 0 to 10.
std::string checkStrength(const std::string& option, const std::string& text);

// An existing folder ("--lora-dir /x is not a folder (it is missing)").
std::string checkFolder(const std::string& option, const std::string& text);

// The value `text` holds once its check passed.
std::uint64_t toUInt64(const std::string& text);

} // namespace md::cli

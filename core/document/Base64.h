#pragma once

// Standard base64 (RFC 4648, with padding), for images embedded in JSON. OpenSSL's libcrypto
// encodes and decodes; the strictness checks are ours.

#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

std::string base64Encode(const std::uint8_t* data, std::size_t size);
inline std::string base64Encode(const std::vector<std::uint8_t>& bytes)
{
    return base64Encode(bytes.data(), bytes.size());
}
// Strict: only the standard alphabet, correct padding; whitespace is not allowed.
Result<std::vector<std::uint8_t>> base64Decode(const std::string& text);

} // namespace md

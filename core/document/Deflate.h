#pragma once

// zlib helpers shared by the PNG text chunks (zlib streams) and the zip code (raw deflate).

#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

enum class DeflateFormat { Zlib, Raw };

std::uint32_t crc32Of(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

Result<std::vector<std::uint8_t>> deflateBytes(const std::uint8_t* data, std::size_t size,
                                               DeflateFormat format, int level = 6);

// Inflates a whole stream. Refuses output longer than maxOutput (zip/zlib bombs) and input
// that ends early or carries trailing garbage inside the stream. `what` names the data in
// messages.
Result<std::vector<std::uint8_t>> inflateBytes(const std::uint8_t* data, std::size_t size,
                                               DeflateFormat format, std::uint64_t maxOutput,
                                               const std::string& what);

} // namespace md

#pragma once

// Decompressing a gzip stream held in memory (zlib).

#include "engine/Status.h"

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace md {

// The decompressed bytes of `gz` (one gzip member). With `stopAfterLines`, decompression stops
// as soon as that many '\n' have come out (the result may run on past the last one), so a
// caller that needs the head of a large text does not pay for all of it.
Result<std::string>
inflateGzip(std::string_view gz,
            std::size_t stopAfterLines = std::numeric_limits<std::size_t>::max());

} // namespace md

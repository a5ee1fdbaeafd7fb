#pragma once

#include "engine/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace md {

// "1-16", "3,7,9", "1-4,10,20-22" -> the seeds in order, without duplicates. Ranges are
// inclusive; at most `maxSeeds` seeds in all.
Result<std::vector<std::uint64_t>> parseSeedList(const std::string& text,
                                                 std::size_t maxSeeds = 100000);

} // namespace md

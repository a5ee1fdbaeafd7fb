#pragma once

// The .mdsp entries behind the masks of result layouts. A layout mask equal to a region's
// current mask names that region's entry ("masks/<region-id>.png"); any other is written
// once, named by its content ("masks/<first 16 hex digits of the PNG's SHA-256>.png"), so
// ten results made with one unchanged mask store one PNG.

#include "document/Project.h"
#include "engine/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace md {

struct LayoutMaskEntries
{
    // Every layout mask of the project (by address) -> its entry name.
    std::map<const MaskImage*, std::string> names;
    // The entries to add to the archive besides the regions' own masks, in a stable order.
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> entries;
};

Result<LayoutMaskEntries> collectLayoutMasks(const Project& project);

// "masks/<16 hex>.png" for a mask PNG's bytes.
std::string contentMaskEntryName(const std::vector<std::uint8_t>& png);

} // namespace md

#pragma once

// The .mdsp entries behind the images that results share: the masks of result layouts, and
// the start images and reroll masks of results (format 3). A mask equal to a region's
// current mask names that region's entry ("masks/<region-id>.png"); a start image equal to a
// result's image names that result's entry ("results/<id>.png": img2img from the last result
// stores nothing twice); any other is written once, named by its content
// ("masks/<16 hex>.png", "images/<16 hex>.png": the first 16 hex digits of the PNG's
// SHA-256), so ten results made with one unchanged mask store one PNG.

#include "document/Project.h"
#include "engine/Status.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace md {

struct LayoutMaskEntries
{
    // Every layout and reroll mask of the project (by address) -> its entry name.
    std::map<const MaskImage*, std::string> names;
    // Every start image of the project's results (by address) -> its entry name.
    std::map<const RgbImage*, std::string> images;
    // The entries to add to the archive besides the regions' own masks and the results'
    // images, in a stable order.
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> entries;
};

Result<LayoutMaskEntries> collectLayoutMasks(const Project& project);

// "masks/<16 hex>.png" for a mask PNG's bytes.
std::string contentMaskEntryName(const std::vector<std::uint8_t>& png);
// "images/<16 hex>.png" for an image PNG's bytes.
std::string contentImageEntryName(const std::vector<std::uint8_t>& png);

} // namespace md

#pragma once

#include "document/Project.h"

namespace md {

// A preview for file managers and the recent-projects list, at most maxSide px per side: the
// newest result, or (without results) the visible regions in their colours over grey.
RgbImage makeThumbnail(const Project& project, int maxSide = 256);

} // namespace md

#pragma once

// The fixed set of region layouts the region-adherence benchmark measures (issue 4): 14
// layouts of 2-3 regions (boxes, ellipses, painted-like blobs, halves, bands, a diagonal)
// over a background, with words the embedded model renders and the PatchClassifier tells
// apart. Defined at 512 x 512 and scaled to `size`.

#include "engine/embedded/RegionLayout.h"

#include <vector>

namespace md::test {

class StandardLayouts
{
public:
    static std::vector<RegionLayout> build(int size = 512);
    // The words the layouts use (their regions' and backgrounds'), in id order.
    static std::vector<SceneConcept> words();
};

} // namespace md::test

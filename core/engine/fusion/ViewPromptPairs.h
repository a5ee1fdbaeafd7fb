#pragma once

// Which (view, prompt) pairs of a MultiDiffusion step carry weight.
//
// A pair whose prompt has zero weight everywhere in its view adds w * pred = 0 to the fused
// numerator and 0 to the denominator, so leaving it out is exact; with regions it is most of
// the work on a large canvas (a small region touches few views, and the background has no
// weight inside a region of strength 1). Counted with one integral image per prompt.

#include "engine/fusion/ViewGrid.h"

#include <torch/torch.h>
#include <vector>

namespace md {

struct ViewPromptPair
{
    int view = 0;
    int prompt = 0;
};

// Pairs in loop order (view-major, then prompt) whose prompt's weight map [N, 1, h, w] has a
// positive value somewhere inside the view (wrapping views included).
std::vector<ViewPromptPair> activeViewPromptPairs(const torch::Tensor& weights,
                                                  const std::vector<View>& views);

} // namespace md

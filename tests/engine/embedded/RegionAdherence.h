#pragma once

// Region adherence in the spirit of MultiDiffusion's Table 2: for each area of a layout
// (each region, and the background), the IoU between its mask and the pixels whose patch
// the PatchClassifier gives its concept, the candidates being the layout's own concepts
// (like the paper's per-prompt segmentation).

#include "engine/embedded/PatchClassifier.h"
#include "engine/embedded/RegionLayout.h"

#include <torch/torch.h>
#include <vector>

namespace md::test {

struct AreaScore
{
    LayoutArea area;
    double iou = 0;
};

struct AdherenceResult
{
    std::vector<AreaScore> scores;        // in the order of RegionLayout::areas()
    std::vector<SceneConcept> candidates; // the areas' concepts
    torch::Tensor labels;                 // [H / cell, W / cell] int64 index into candidates
};

class RegionAdherence
{
public:
    // `image` is [3, H, W] in [0, 1] at the layout's size.
    static AdherenceResult score(const PatchClassifier& classifier, const torch::Tensor& image,
                                 const RegionLayout& layout);
    // IoU of two [H, W] bool masks (1 when both are empty).
    static double iou(const torch::Tensor& a, const torch::Tensor& b);
    // Expected IoU of an area covering `fraction` of the canvas when every pixel is labelled
    // at random with each concept's share of the canvas: f / (2 - f).
    static double chanceIou(double fraction);
    // The layout's generator renders pasted into its masks: what the classifier gets on the
    // images the model was trained to imitate ([3, H, W], renders index `index`).
    static torch::Tensor generatorComposite(const RegionLayout& layout, uint64_t index);
};

} // namespace md::test
